package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/tepai/tepai/apierr"
	"github.com/tepai/tepai/auth"
	"github.com/tepai/tepai/models"
)

// Users creates logins for admins, bureaus and township offices
// (commissioners are created with their profile, see Commissioners).
type Users struct{ d Deps }

// NewUsers returns the user handlers.
func NewUsers(d Deps) *Users { return &Users{d: d} }

// Register mounts the user routes: create, list, read, and the account
// lifecycle (reset-password, disable, enable).
func (h *Users) Register(g *echo.Group) {
	g.POST("/users", h.create)
	g.GET("/users", h.list)
	g.GET("/users/:id", h.get)
	g.POST("/users/:id/reset-password", h.resetPassword)
	g.POST("/users/:id/disable", h.disable)
	g.POST("/users/:id/enable", h.enable)
}

type userRequest struct {
	Phone      string `json:"phone"`
	Password   string `json:"password"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	RegionCode string `json:"region_code"`
}

// userRegionLevels are the region levels a user of each role is scoped to.
var userRegionLevels = map[string][]string{
	models.RoleAdmin:    {models.LevelProvince, models.LevelCity, models.LevelCounty},
	models.RoleBureau:   {models.LevelProvince, models.LevelCity, models.LevelCounty},
	models.RoleTownship: {models.LevelTownship},
}

// create makes a login: admins any role, a bureau township and bureau
// users inside its subtree; everyone else 403.
func (h *Users) create(c echo.Context) error {
	p := Caller(c)
	if p.Role != models.RoleAdmin && p.Role != models.RoleBureau {
		return apierr.Forbidden()
	}
	var in userRequest
	if err := BindJSON(c, &in); err != nil {
		return err
	}
	in.Phone, in.Name, in.RegionCode = strings.TrimSpace(in.Phone), strings.TrimSpace(in.Name), strings.TrimSpace(in.RegionCode)
	if err := h.validate(c, &in); err != nil {
		return err
	}
	if in.Role == models.RoleAdmin && p.Role != models.RoleAdmin || !p.ManagesPeopleIn(in.RegionCode) {
		return apierr.Forbidden()
	}
	hash, err := auth.HashPassword(in.Password, h.d.Config.BcryptCost)
	if err != nil {
		return err
	}
	u := models.User{Phone: in.Phone, PasswordHash: hash, Name: in.Name, Role: in.Role, RegionCode: in.RegionCode}
	if err := h.d.DB.CreateUserAudited(c.Request().Context(), &u, attribution(c)); err != nil {
		if errors.Is(err, models.ErrDuplicatePhone) {
			return duplicatePhone()
		}
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

func (h *Users) validate(c echo.Context, in *userRequest) error {
	var f apierr.Fields
	checkNewLogin(&f, in.Phone, in.Password, &in.Name)
	levels, ok := userRegionLevels[in.Role]
	switch {
	case in.Role == models.RoleCommissioner:
		f.Add("role", "特派员请通过 /api/v1/commissioners 创建", "create commissioners with POST /api/v1/commissioners")
	case !ok:
		f.Add("role", "角色须为 admin、bureau 或 township", "role must be admin, bureau or township")
	case in.Role == models.RoleAdmin && in.RegionCode == "":
	default:
		checkRegionField(c.Request().Context(), h.d.DB, &f, "region_code", in.RegionCode, levels...)
	}
	return f.Err()
}

// list answers GET /users?q=&role=&region=: the users in the caller's
// scope (admins all, bureau and township users their region's, anyone
// else itself), q matching name or phone.
func (h *Users) list(c echo.Context) error {
	region, err := regionFilter(c)
	if err != nil {
		return err
	}
	f := models.UserFilter{Q: strings.TrimSpace(c.QueryParam("q")), Role: c.QueryParam("role"), Region: region}
	if err := CheckUserFilter(f); err != nil {
		return err
	}
	after, limit, err := idPage(c)
	if err != nil {
		return err
	}
	items, next, err := h.d.DB.ListUsers(c.Request().Context(), Caller(c), f, after, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, List[models.User]{Items: items, NextCursor: idCursor(next)})
}

// get answers one user in the caller's scope (404 outside it).
func (h *Users) get(c echo.Context) error {
	u, err := h.d.DB.VisibleUser(c.Request().Context(), Caller(c), NormalizeID(c.Param("id")))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", strconv.Quote(strconv.Itoa(u.Version)))
	return c.JSON(http.StatusOK, u)
}

// CheckUserFilter refuses a users filter with an unknown role or a q
// longer than 50 characters (the API's list and the console's people page).
func CheckUserFilter(f models.UserFilter) error {
	if f.Role != "" && !contains(userRoles, f.Role) {
		return apierr.BadRequest("role 须为 admin、bureau、township 或 commissioner", "role must be admin, bureau, township or commissioner")
	}
	if utf8.RuneCountInString(f.Q) > 50 {
		return apierr.BadRequest("q 最多 50 个字符", "q must have at most 50 characters")
	}
	return nil
}

// userRoles are the roles a user may have.
var userRoles = []string{models.RoleAdmin, models.RoleBureau, models.RoleTownship, models.RoleCommissioner}
