package security_test

// Statistics are addressed by region and period: a region outside the
// caller's scope is 403 (it names no record); commissioners have none.
var statsRules = map[string]rule{
	"GET /api/v1/stats/coverage":      {kind: kindOther, want: gridEvalRead, build: at("/api/v1/stats/coverage?region={township}&year={year}")},
	"GET /api/v1/stats/coverage/gaps": {kind: kindOther, want: gridEvalRead, build: at("/api/v1/stats/coverage/gaps?region={township}&year={year}&kind=unvisited&limit=500")},
	"GET /api/v1/stats/services":      {kind: kindOther, want: gridEvalRead, build: at("/api/v1/stats/services?region={township}&year={year}&group_by=commissioner")},
	"GET /api/v1/stats/income":        {kind: kindOther, want: gridEvalRead, build: at("/api/v1/stats/income?region={township}&year={year}")},
	"GET /api/v1/stats/summary":       {kind: kindOther, want: gridEvalRead, build: at("/api/v1/stats/summary?region={township}&year={year}")},
}
