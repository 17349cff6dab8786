package storage

import (
	"path/filepath"

	"github.com/tepai/tepai/config"
)

// Open returns the store the configuration asks for: MinIO/S3 when an
// endpoint is set, else the photos folder inside the data folder.
func Open(cfg config.Config) (Store, error) {
	if cfg.S3.Endpoint != "" {
		spool := ""
		if cfg.DataDir != "" {
			spool = filepath.Join(cfg.DataDir, "spool")
		}
		return NewMinIO(cfg.S3, spool)
	}
	return NewLocal(filepath.Join(cfg.DataDir, "photos"))
}
