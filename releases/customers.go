package releases

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CustomersFile is the optional registry of customers, for upgrade planning.
const CustomersFile = "customers.yaml"

// Customers is customers.yaml: who runs the product, on which version, and how
// their upgrades are approved and scheduled.
type Customers struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Customers are the customers, each once.
	Customers []Customer `json:"customers" jsonschema:"required"`
}

// Customer is one customer's tenant and upgrade arrangements.
type Customer struct {
	Loc `json:"-"`
	// ID is how commands name the customer, e.g. "contoso"; it goes into ticket
	// ids and tags.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Name is the customer's name.
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// Version is the version the customer runs now. Required, except for a
	// customer in the implementation stage that has nothing deployed yet: it
	// is deployed from the target's install bundle, not upgraded.
	Version string `json:"version,omitempty"`
	// Tenant is the customer's Microsoft 365 tenant, e.g. contoso.onmicrosoft.com.
	Tenant string `json:"tenant" jsonschema:"required,minLength=1"`
	// Internal marks one of the vendor's own environments (e.g. atlas-prod):
	// upgraded first, in ring 0, before any customer's, and never announced to.
	Internal bool `json:"internal,omitempty"`
	// Stage is where the customer is with the vendor: implementation (owned by
	// an implementation lead) or bau, business as usual (owned by a customer
	// success agent). Every customer has one; internal entries have none.
	Stage Stage `json:"stage,omitempty" jsonschema:"enum=implementation,enum=bau"`
	// Ring is the rollout ring: 0 for the vendor's own environments, then the
	// rings of policy.rings in order (early adopters, then everyone). Omitted,
	// it is 0 for internal entries and the last ring for customers.
	Ring *int `json:"ring,omitempty" jsonschema:"minimum=0,maximum=9"`
	// Contact is the vendor-side owner: the implementation lead during
	// implementation, the customer success agent in business as usual. The
	// release's announcement goes to them.
	Contact Contact `json:"contact" jsonschema:"required"`
	// TechnicalOwner is the customer's technical owner of the product.
	TechnicalOwner *Contact `json:"technicalOwner,omitempty"`
	// GlobalAdmin is the customer's Global Administrator contact, who activates
	// the role for the window.
	GlobalAdmin *Contact `json:"globalAdmin,omitempty"`
	// ChangeProcess is how the customer approves an upgrade: a standard change,
	// or a change advisory board (cab) that must approve each one first.
	ChangeProcess ChangeProcess `json:"changeProcess" jsonschema:"required,enum=standard,enum=cab"`
	// CABLeadTimeDays is, for changeProcess cab, how many days the change
	// board needs between receiving a change request and the window; at most
	// 365. Required for cab, not allowed for standard.
	CABLeadTimeDays int `json:"cabLeadTimeDays,omitempty" jsonschema:"minimum=1,maximum=365"`
	// Window is the customer's preferred maintenance window.
	Window MaintenanceWindow `json:"window" jsonschema:"required"`
	// Locale is the language the customer's users read; it must be one of the
	// workspace's locales. Empty means the default.
	Locale string `json:"locale,omitempty" jsonschema:"pattern=^[a-z][a-z][a-z]?(-[a-z0-9]+)*$"`
}

// Contact is a person.
type Contact struct {
	Loc   `json:"-"`
	Name  string `json:"name" jsonschema:"required,minLength=1"`
	Email string `json:"email" jsonschema:"required,pattern=^[^@ ]+@[^@ ]+$"`
}

// Stage is where a customer is with the vendor.
type Stage string

// The stages.
const (
	// StageImplementation is a customer being implemented, owned by an
	// implementation lead.
	StageImplementation Stage = "implementation"
	// StageBAU is a customer in business as usual, owned by a customer success
	// agent.
	StageBAU Stage = "bau"
)

// OwnerRole names the vendor-side owner of a customer in a stage.
func (s Stage) OwnerRole() string {
	if s == StageImplementation {
		return "implementation lead"
	}
	return "customer success agent"
}

// RingOf is the entry's rollout ring: its ring, or 0 for an internal entry and
// the last of the policy's rings for a customer.
func (c *Customer) RingOf(p *Policy) int {
	switch {
	case c.Ring != nil:
		return *c.Ring
	case c.Internal:
		return 0
	}
	return len(p.RingList()) - 1
}

// NeedsDeployment reports a customer being implemented that runs no version
// yet: its first release is a new deployment (the install procedure), not an
// upgrade.
func (c *Customer) NeedsDeployment() bool {
	return c.Version == "" && c.Stage == StageImplementation
}

// ChangeProcess is how a customer approves changes.
type ChangeProcess string

// The change processes.
const (
	StandardProcess ChangeProcess = "standard"
	CABProcess      ChangeProcess = "cab"
)

// MaintenanceWindow is when a customer prefers upgrades to happen.
type MaintenanceWindow struct {
	Loc `json:"-"`
	// Day is the preferred day of the week, e.g. saturday.
	Day string `json:"day" jsonschema:"required,enum=monday,enum=tuesday,enum=wednesday,enum=thursday,enum=friday,enum=saturday,enum=sunday"`
	// Start is the local start time, HH:MM.
	Start string `json:"start" jsonschema:"required,pattern=^([01][0-9]|2[0-3]):[0-5][0-9]$"`
	// TimeZone is the IANA time zone of the start time, e.g. Europe/Berlin.
	TimeZone string `json:"timeZone" jsonschema:"required,minLength=1"`
}

// Location is the window's time zone.
func (w MaintenanceWindow) Location() (*time.Location, error) {
	if w.TimeZone == "" || strings.HasPrefix(w.TimeZone, "/") || strings.Contains(w.TimeZone, "..") {
		return nil, fmt.Errorf("%q is not an IANA time zone like Europe/Berlin", w.TimeZone)
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone like Europe/Berlin", w.TimeZone)
	}
	return loc, nil
}

// StartOn is the window's start on a day, in its time zone.
func (w MaintenanceWindow) StartOn(d Date) (time.Time, error) {
	loc, err := w.Location()
	if err != nil {
		return time.Time{}, err
	}
	hh, mm, ok := strings.Cut(w.Start, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(hh) != 2 || len(mm) != 2 {
		return time.Time{}, fmt.Errorf("%q is not a time like 08:00", w.Start)
	}
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), h, m, 0, 0, loc), nil
}

// Weekday is the window's day of the week.
func (w MaintenanceWindow) Weekday() time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(d.String(), w.Day) {
			return d
		}
	}
	return time.Saturday
}

// Customer returns the customer with an id.
func (c *Customers) Customer(id string) *Customer {
	if c == nil {
		return nil
	}
	for i := range c.Customers {
		if c.Customers[i].ID == id {
			return &c.Customers[i]
		}
	}
	return nil
}

// loadCustomers reads customers.yaml, if there is one.
func loadCustomers(fsys fs.FS, diags *Diagnostics) (*Customers, bool, error) {
	src, ok, err := readFile(fsys, CustomersFile, diags)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil || !ok {
		return nil, true, err
	}
	var c Customers
	if decodeFile(CustomersFile, src, &c, diags) && checkSchemaVersion(CustomersFile, c.SchemaVersion, c.Loc, diags) {
		return &c, true, nil
	}
	return nil, true, nil
}

// customers checks customers.yaml against the workspace.
func (v *validator) customers() {
	c := v.ws.Customers
	if c == nil {
		return
	}
	r := v.at(CustomersFile)
	seen := map[string]Pos{}
	for i := range c.Customers {
		cu := &c.Customers[i]
		if first, dup := seen[cu.ID]; dup {
			r.report(cu.PosOf("id"), "AR1504", "customer id %q is already used at line %d", cu.ID, first.Line)
		}
		seen[cu.ID] = cu.PosOf("id")
		ver, err := ParseVersion(cu.Version)
		switch {
		case cu.NeedsDeployment():
			// Nothing deployed yet: upgrades plan offers the install bundle.
		case cu.Version == "":
			at := cu.PosOf("version")
			if !cu.Has("version") {
				at = cu.Pos()
			}
			r.report(at, "AR1501", "%s has no version: add version: with the version it runs; only a customer in stage: implementation with nothing deployed yet goes without one (it is deployed from the install bundle)", cu.ID)
		case err != nil:
			r.report(cu.PosOf("version"), "AR1501", "%v", err)
		case ver.LessThan(v.oldest):
			r.report(cu.PosOf("version"), "AR1501", "%s runs %s, older than %s, the first version customers upgrade themselves: the vendor brings it to %s",
				cu.ID, ver, v.oldest, v.oldest)
		default:
			if _, ok := v.ws.Find(ver); !ok && !v.ws.unloaded(ver) {
				r.report(cu.PosOf("version"), "AR1501", "%s runs %s, which no manifest describes (known: %s)", cu.ID, ver, v.ws.knownVersions())
			}
		}
		if _, err := cu.Window.Location(); err != nil {
			r.report(cu.Window.PosOf("timeZone"), "AR1502", "window.timeZone: %v", err)
		}
		v.customerFleet(r, cu)
		if cu.Locale != "" && !slices.Contains(v.cfg.Locales, cu.Locale) && cu.Locale != v.cfg.DefaultLocale() {
			r.report(cu.PosOf("locale"), "AR1503", "locale %s is not one of the workspace's (%s): %s gets %s", cu.Locale,
				strings.Join(append([]string{v.cfg.DefaultLocale()}, v.cfg.Locales...), ", "), cu.ID, v.cfg.DefaultLocale())
		}
	}
}
