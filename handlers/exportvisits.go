package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

var visitColumns = []Column{
	{Title: "记录编号", Width: 38}, {Title: "特派员", Width: 10}, {Title: "特派员编号", Width: 38},
	{Title: "村代码", Width: 14}, {Title: "村名称", Width: 16}, {Title: "开始时间", Kind: ColTime, Width: 20},
	{Title: "结束时间", Kind: ColTime, Width: 20}, {Title: "服务类别", Width: 12}, {Title: "作物", Width: 12},
	{Title: "发现问题", Width: 30}, {Title: "技术建议", Width: 30}, {Title: "服务农民（人次）", Kind: ColInt},
	{Title: "发放资料（份）", Kind: ColInt}, {Title: "推广技术", Width: 24}, {Title: "引进品种", Width: 20},
	{Title: "纬度", Kind: ColDecimal}, {Title: "经度", Kind: ColDecimal}, {Title: "定位精度（米）", Kind: ColDecimal},
	{Title: "核查标记", Width: 16}, {Title: "备注", Width: 20},
}

// visitExportBatch is how many visits are read before their names are
// looked up and their rows written.
const visitExportBatch = 500

// ExportVisits streams the visits q selects (a query on visits, scoped and
// filtered by the list handler, in its order, without a limit) as CSV or an
// Excel workbook named name, with commissioner and village names.
func ExportVisits(c echo.Context, db *models.DB, format, name string, q *gorm.DB) error {
	x := &Exporter{Name: name, Sheet: "服务日志", Columns: visitColumns}
	ctx := c.Request().Context()
	names := db.NewNames()
	return x.Write(c, format, func(emit func(...any) error) error {
		buf := make([]models.Visit, 0, visitExportBatch)
		flush := func() error {
			ids, codes := make([]string, len(buf)), make([]string, len(buf))
			for i := range buf {
				ids[i], codes[i] = buf[i].CommissionerID, buf[i].VillageCode
			}
			if err := names.Load(ctx, ids, codes); err != nil {
				return err
			}
			for i := range buf {
				v := &buf[i]
				err := emit(v.ID, names.Commissioner(v.CommissionerID), v.CommissionerID, v.VillageCode, names.Region(v.VillageCode),
					v.StartedAt, v.EndedAt, v.Category, v.Crops, v.Problem, v.Advice, v.FarmersServed, v.Leaflets,
					v.Technologies, v.Varieties, v.Lat, v.Lng, v.AccuracyM, v.Flags, v.Notes)
				if err != nil {
					return err
				}
			}
			buf = buf[:0]
			return nil
		}
		err := db.EachVisit(q.WithContext(ctx), func(v *models.Visit) error {
			buf = append(buf, *v)
			if len(buf) == visitExportBatch {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		return flush()
	})
}
