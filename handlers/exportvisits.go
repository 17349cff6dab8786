package handlers

import (
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/models"
	"gorm.io/gorm"
)

// visitEvidence are the evidence flags the visits export shows as columns
// of their own (是 when the visit carries the flag), in this order.
var visitEvidence = []struct{ flag, title string }{
	{models.FlagFarFromVillage, "远离村庄"},
	{models.FlagPhotoTimeMismatch, "照片时间不符"},
	{models.FlagPhotoReused, "照片重复使用"},
	{models.FlagDeviceClockSkew, "设备时钟偏差"},
}

var visitColumns = append([]Column{
	{Title: "记录编号", Width: 38}, {Title: "特派员", Width: 10}, {Title: "特派员编号", Width: 38},
	{Title: "乡镇名称", Width: 14}, {Title: "村代码", Width: 14}, {Title: "村名称", Width: 16},
	{Title: "开始时间", Kind: ColTime, Width: 20}, {Title: "结束时间", Kind: ColTime, Width: 20},
	{Title: "服务类别", Width: 12}, {Title: "作物", Width: 12}, {Title: "发现问题", Width: 30}, {Title: "技术建议", Width: 30},
	{Title: "服务农民（人次）", Kind: ColInt}, {Title: "发放资料（份）", Kind: ColInt}, {Title: "推广技术", Width: 24},
	{Title: "引进品种", Width: 20}, {Title: "纬度", Kind: ColCoord, Width: 12}, {Title: "经度", Kind: ColCoord, Width: 12},
	{Title: "定位精度（米）", Kind: ColDecimal}, {Title: "照片（张）", Kind: ColInt},
}, evidenceColumns()...)

func evidenceColumns() []Column {
	cols := make([]Column, 0, len(visitEvidence)+2)
	for _, e := range visitEvidence {
		cols = append(cols, Column{Title: e.title, Width: 14})
	}
	return append(cols, Column{Title: "核查标记", Width: 16}, Column{Title: "备注", Width: 20})
}

// visitExportBatch is how many visits one page of an export reads before
// their names and photo counts are looked up and their rows written.
const visitExportBatch = 500

// ExportVisits streams the visits q selects (a query on visits, scoped and
// filtered by the list handler, without an order or a limit) newest first
// as CSV or an Excel workbook named name, with commissioner, township and
// village names, photo counts and evidence flags.
func ExportVisits(c echo.Context, db *models.DB, format, name string, q *gorm.DB) error {
	x := &Exporter{Name: name, Sheet: "服务日志", Columns: visitColumns, DB: db}
	ctx := c.Request().Context()
	names := db.NewNames()
	return x.Write(c, format, func(emit func(...any) error) error {
		return db.VisitPages(q.WithContext(ctx), visitExportBatch, func(page []*models.Visit) error {
			ids, people, codes := make([]string, len(page)), make([]string, len(page)), make([]string, 0, 2*len(page))
			for i, v := range page {
				ids[i], people[i] = v.ID, v.CommissionerID
				codes = append(codes, v.VillageCode, townshipOf(v.VillageCode))
			}
			if err := names.Load(ctx, people, codes); err != nil {
				return err
			}
			photos, err := db.VisitPhotoCounts(ctx, ids)
			if err != nil {
				return err
			}
			for _, v := range page {
				row := []any{v.ID, names.Commissioner(v.CommissionerID), v.CommissionerID, names.Region(townshipOf(v.VillageCode)),
					v.VillageCode, names.Region(v.VillageCode), v.StartedAt, v.EndedAt, v.Category, v.Crops, v.Problem, v.Advice,
					v.FarmersServed, v.Leaflets, v.Technologies, v.Varieties, v.Lat, v.Lng, v.AccuracyM, photos[v.ID]}
				for _, e := range visitEvidence {
					row = append(row, yesIf(slices.Contains(v.Flags, e.flag)))
				}
				if err := emit(append(row, v.Flags, v.Notes)...); err != nil {
					return err
				}
			}
			return x.Renew(ctx)
		})
	})
}

// townshipOf is the township code of a village code (its first 9 digits).
func townshipOf(village string) string {
	if len(village) < 9 {
		return village
	}
	return village[:9]
}

// yesIf is 是 when on, else empty.
func yesIf(on bool) string {
	if on {
		return "是"
	}
	return ""
}
