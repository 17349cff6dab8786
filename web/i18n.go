package web

// catalog holds every text of the console in Chinese and English; pages
// look texts up by key, in the language of the request.
var catalog = map[string][2]string{
	"app":                      {"科技特派员工作台", "Commissioner console"},
	"signin":                   {"登录", "Sign in"},
	"signout":                  {"退出登录", "Sign out"},
	"signout_confirm":          {"确定退出登录吗？", "Sign out of the console?"},
	"phone":                    {"手机号", "Phone"},
	"password":                 {"密码", "Password"},
	"login_fill":               {"请填写手机号和密码", "Enter your phone and password"},
	"switch_lang":              {"English", "中文"},
	"error":                    {"出错了", "Something went wrong"},
	"back":                     {"返回首页", "Back to the start"},
	"coverage":                 {"村级覆盖", "Village coverage"},
	"activity":                 {"工作动态", "Activity"},
	"services":                 {"服务统计", "Services"},
	"income":                   {"农民增收", "Farmer income"},
	"report":                   {"工作总结", "Work report"},
	"evaluation":               {"年度考核", "Evaluation"},
	"people":                   {"人员与联系", "People"},
	"region":                   {"区域", "Region"},
	"year":                     {"年度", "Year"},
	"from":                     {"起始日期", "From"},
	"to":                       {"截止日期", "To"},
	"show":                     {"查看", "Show"},
	"period":                   {"统计期间", "Period"},
	"rural_villages":           {"行政村", "Rural villages"},
	"assigned":                 {"已联系村", "Assigned villages"},
	"visited":                  {"已走访村", "Visited villages"},
	"assigned_rate":            {"联系覆盖率", "Assigned rate"},
	"visited_rate":             {"走访覆盖率", "Visited rate"},
	"name":                     {"名称", "Name"},
	"code":                     {"代码", "Code"},
	"children":                 {"下级区域", "Child regions"},
	"villages":                 {"村", "Villages"},
	"chart_legend":             {"浅色：已联系；深色：已走访", "Light: assigned; dark: visited"},
	"gaps":                     {"缺口村", "Villages in a gap"},
	"gap_unvisited":            {"未走访村", "Not visited"},
	"gap_unassigned":           {"未联系村", "No commissioner"},
	"township":                 {"乡镇", "Township"},
	"village":                  {"村", "Village"},
	"none":                     {"无", "None"},
	"more":                     {"更多", "More"},
	"download":                 {"下载", "Download"},
	"filter":                   {"筛选", "Filter"},
	"assignments":              {"联系特派员", "Assignments"},
	"commissioner":             {"特派员", "Commissioner"},
	"team":                     {"团队", "Team"},
	"start":                    {"开始", "Start"},
	"end":                      {"结束", "End"},
	"visits":                   {"走访记录", "Visits"},
	"visit":                    {"走访记录", "Visit"},
	"when":                     {"时间", "When"},
	"category":                 {"类别", "Category"},
	"crops":                    {"作物", "Crops"},
	"problem":                  {"发现问题", "Problem found"},
	"advice":                   {"指导意见", "Advice given"},
	"farmers_served":           {"服务农户", "Farmers served"},
	"leaflets":                 {"明白纸", "Leaflets"},
	"technologies":             {"新技术", "Technologies"},
	"varieties":                {"新品种", "Varieties"},
	"notes":                    {"备注", "Notes"},
	"photos":                   {"照片", "Photos"},
	"no_photos":                {"没有照片", "No photos"},
	"flags":                    {"证据提示", "Evidence flags"},
	"no_flags":                 {"无异常", "Nothing unusual"},
	"audit":                    {"修改记录", "History"},
	"action":                   {"操作", "Action"},
	"by":                       {"操作人", "By"},
	"location":                 {"位置", "Location"},
	"open_visit":               {"查看", "Open"},
	"open_photo":               {"查看原图", "Open the full photo"},
	"all_years":                {"全年", "Whole year"},
	"scope_of":                 {"您的范围：", "Your scope: "},
	"commissioner_use":         {"特派员请使用手机应用记录工作；此处可查看本人考核。", "Commissioners record their work in the phone app; here you can see your own scorecard."},
	"flag_far_from_village":    {"走访地点距离该村较远，可能不在现场", "The visit was recorded far from the village: the commissioner may not have been there"},
	"flag_device_clock_skew":   {"手机时间与服务器时间相差较大，记录时间可能不准", "The phone's clock was far off the server's: the recorded time may be wrong"},
	"flag_photo_time_mismatch": {"照片拍摄时间与走访时间不符", "A photo was taken at a time far from the visit"},
	"flag_photo_reused":        {"同一张照片用于多条记录", "The same photo is attached to several records"},
}

// text returns the catalog's text for key in lang ("en" or Chinese); an
// unknown key shows as itself.
func text(lang, key string) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}
