package handlers

import (
	"time"

	"github.com/tepai/tepai/models"
)

// observationSpec describes a plot's season observations, below
// /plots/{id}/observations; they belong to the plot's commissioner.
func observationSpec(plots *spec) *spec {
	sp := &spec{
		typ: TypePlotObservation, path: "/observations", idParam: "observation_id", orderCol: "observed_at",
		orderOf:  func(m models.Record) time.Time { return m.(*models.PlotObservation).ObservedAt },
		newModel: func() models.Record { return &models.PlotObservation{} },
		newSlice: func() any { return &[]models.PlotObservation{} },
		newDTO:   func() recordDTO { return &observationDTO{} },
		parent:   plots, parentCol: "plot_id",
		parentOf: func(m models.Record) string { return m.(*models.PlotObservation).PlotID },
	}
	return sp.ownedBy()
}

// observationDTO is the body of a plot observation.
type observationDTO struct {
	ID         string  `json:"id"`
	PlotID     string  `json:"plot_id"`
	ObservedAt Instant `json:"observed_at"`
	Stage      string  `json:"stage"`
	Notes      string  `json:"notes"`
}

func (d *observationDTO) ident() *string     { return &d.ID }
func (d *observationDTO) parentRef() *string { return &d.PlotID }

// check validates an observation: a time not before the plot was
// established, a growth stage and bounded notes.
func (d *observationDTO) check(ck *checker) {
	ck.instant("observed_at", d.ObservedAt, true)
	if plot, ok := ck.parent.(*models.Plot); ok && !ck.fields.Has("observed_at") &&
		plot.EstablishedOn != "" && LocalDate(d.ObservedAt.T) < plot.EstablishedOn {
		ck.add("observed_at", "不能早于基地建立日期", "must not be before the plot was established")
	}
	ck.text("stage", d.Stage, 50, true)
	ck.text("notes", d.Notes, 5000, false)
}

// store writes a checked observation into m.
func (d *observationDTO) store(m models.Record, ck *checker) {
	o := m.(*models.PlotObservation)
	o.PlotID, o.ObservedAt = d.PlotID, d.ObservedAt.T
	o.Stage, o.Notes = trim(d.Stage), trim(d.Notes)
}
