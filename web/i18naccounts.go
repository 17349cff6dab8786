package web

import (
	"net/url"

	"github.com/tepai/tepai/models"
)

// accountTexts are the catalog's texts of the password page and of the
// people page's account actions.
var accountTexts = map[string][2]string{
	"change_password":    {"修改密码", "Change password"},
	"password_forced":    {"您的密码已被重置。请先设置新密码，才能使用工作台。", "Your password was reset. Set a new password before using the console."},
	"password_changed":   {"密码已修改，其他设备上的登录已退出。", "Password changed; your sign-ins on other devices have ended."},
	"temporary_password": {"临时密码", "Temporary password"},
	"current_password":   {"当前密码", "Current password"},
	"new_password":       {"新密码", "New password"},
	"confirm_password":   {"再次输入新密码", "New password again"},
	"password_rule":      {"密码须为 8 到 72 个字符（一个汉字计 3 个），且不能与手机号相同。", "A password has 8 to 72 characters (a Chinese character counts 3) and must not be the phone number."},
	"password_mismatch":  {"两次输入的新密码不一致", "The two new passwords differ"},
	"temporary_given":    {"已重置密码：", "Password reset:"},
	"temporary_once":     {"请将临时密码告知本人；此密码只显示这一次，登录后须修改。", "Tell the user this temporary password; it is shown only this once and must be changed at sign-in."},
	"search":             {"搜索", "Search"},
	"name_or_phone":      {"姓名或手机号", "Name or phone"},
	"all_roles":          {"全部角色", "All roles"},
	"actions":            {"账号操作", "Account"},
	"must_change":        {"待改密码", "must change password"},
	"reset_password":     {"重置密码", "Reset password"},
	"reset_confirm":      {"确定重置以下用户的密码吗？其登录将全部退出：", "Reset the password of this user? All its sign-ins end:"},
	"disable":            {"停用", "Disable"},
	"disable_confirm":    {"确定停用以下用户吗？其登录将立即退出：", "Disable this user? Its sign-ins end at once:"},
	"enable":             {"启用", "Enable"},
	"enable_confirm":     {"确定重新启用以下用户吗？", "Enable this user again?"},
}

func init() {
	for k, v := range accountTexts {
		catalog[k] = v
	}
	funcs["roles"] = func() []string {
		return []string{models.RoleAdmin, models.RoleBureau, models.RoleTownship, models.RoleCommissioner}
	}
	funcs["userQuery"] = userQuery
}

// userQuery is the people page's query for region code and users filter
// f, which an account action returns to.
func userQuery(code string, f models.UserFilter) string {
	return url.Values{"region": {code}, "q": {f.Q}, "role": {f.Role}}.Encode()
}
