package templates

// FleetStatus is where every entry of customers.yaml stands against the
// newest release (upgrades status): the page and the JSON are made from it.
type FleetStatus struct {
	Product string `json:"product"`
	// Latest is the newest release of the workspace.
	Latest string `json:"latest"`
	// Today is the day the status is as of (YYYY-MM-DD).
	Today string `json:"today"`
	// TicketsRead says whether ZenDesk was read: without it, tickets and
	// their statuses are unknown, not absent.
	TicketsRead bool `json:"ticketsRead"`
	// SupportedReleases is policy.supportedReleases, or its default.
	SupportedReleases int           `json:"supportedReleases"`
	Rings             []string      `json:"rings"`
	Entries           []StatusEntry `json:"entries"`
	Summary           FleetSummary  `json:"summary"`
	Generator         string        `json:"-"`
}

// The states of an entry.
const (
	StateUpToDate     = "up to date"
	StateCompleted    = "completed"
	StateRolledBack   = "rolled back"
	StateScheduled    = "scheduled"
	StateOverdue      = "overdue"
	StateNotScheduled = "not scheduled"
)

// StatusEntry is one entry of customers.yaml.
type StatusEntry struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Internal bool   `json:"internal,omitempty"`
	Ring     int    `json:"ring"`
	Version  string `json:"version"`
	Target   string `json:"target"`
	// Behind is how many releases of the workspace are newer than Version.
	Behind    int  `json:"behind"`
	Supported bool `json:"supported"`
	// ChangeProcess is standard or cab; Approval the board's reference once
	// recorded (upgrades approve).
	ChangeProcess string `json:"changeProcess"`
	Approval      string `json:"approval,omitempty"`
	// Ticket is the change ticket of the upgrade to Target, as ZenDesk says
	// it now; nil when there is none or ZenDesk was not read.
	Ticket *StatusTicket `json:"ticket,omitempty"`
	// Outcome is what history/<target>.yaml records (upgrades complete).
	Outcome string `json:"outcome,omitempty"`
	// Day is when the upgrade is scheduled, or was finished.
	Day   string `json:"day,omitempty"`
	State string `json:"state"`
}

// StatusTicket is a change ticket as ZenDesk says it is.
type StatusTicket struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Status string `json:"status"`
	// Scheduled and Start are the first window's day and local start, from
	// the ticket's subject.
	Scheduled string `json:"scheduled,omitempty"`
	Start     string `json:"start,omitempty"`
	// Engineer is the standby engineer the ticket is assigned to.
	Engineer string `json:"engineer,omitempty"`
}

// FleetSummary sums the fleet up.
type FleetSummary struct {
	Entries int `json:"entries"`
	// Implementing counts the entries being implemented, with nothing
	// deployed yet: they run no version, so the share on the newest release
	// is of the others.
	Implementing    int `json:"implementing,omitempty"`
	OnLatest        int `json:"onLatest"`
	OnLatestPercent int `json:"onLatestPercent"`
	// OutOfSupport are the entries more than SupportedReleases behind.
	OutOfSupport []string `json:"outOfSupport"`
	// InFlight are the entries whose ticket is open and whose window is
	// today or ahead; Overdue those whose window has passed.
	InFlight  []string       `json:"inFlight"`
	Overdue   []string       `json:"overdue"`
	Versions  []VersionCount `json:"versions"`
	Engineers []EngineerLoad `json:"engineers"`
}

// VersionCount is how many entries run a version.
type VersionCount struct {
	Version string `json:"version"`
	Count   int    `json:"count"`
}

// EngineerLoad is how many open upgrades a standby engineer is assigned.
type EngineerLoad struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Upgrades int    `json:"upgrades"`
}
