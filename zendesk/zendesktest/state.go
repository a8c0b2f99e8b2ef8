// Package zendesktest is an emulator of the ZenDesk Help Center API, strict
// where a client could get the real API wrong: article PUTs change metadata only,
// articles need a permission group and an explicit user segment, locales must be
// enabled, label filters are ANDed, pagination is by cursor or offset with small
// pages, both authentication schemes are checked, rate limits answer 429 in
// text/plain, and faults can be injected — latency, 500s, 503s with Retry-After,
// and a connection dropped after a create was committed. Every request is logged
// for assertions. The zendesk-sandbox command serves it with its state in a file.
package zendesktest

import (
	"encoding/json"
	"io"
	"slices"
	"time"
)

// State is everything the emulated help center holds. It is saved as JSON by the
// sandbox.
type State struct {
	NextID           int64                    `json:"nextId"`
	DefaultLocale    string                   `json:"defaultLocale"`
	Locales          []string                 `json:"locales"`
	Sections         []Section                `json:"sections"`
	PermissionGroups []PermissionGroup        `json:"permissionGroups"`
	UserSegments     []UserSegment            `json:"userSegments"`
	Articles         map[int64]*Article       `json:"articles"`
	Translations     map[int64][]*Translation `json:"translations"`
	Attachments      map[int64][]*Attachment  `json:"attachments"`
	Tickets          []*Ticket                `json:"tickets"`
	// Users are the agents, admins and end users tickets can be assigned to
	// (agents and admins only).
	Users []*User `json:"users,omitempty"`
}

// Section is a help center section.
type Section struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Locale string `json:"locale"`
}

// PermissionGroup decides who may edit articles.
type PermissionGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// UserSegment decides who may read articles.
type UserSegment struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Article is an article's metadata; its text lives in its translations.
type Article struct {
	ID                int64     `json:"id"`
	SectionID         int64     `json:"section_id"`
	SourceLocale      string    `json:"source_locale"`
	PermissionGroupID int64     `json:"permission_group_id"`
	UserSegmentID     *int64    `json:"user_segment_id"`
	LabelNames        []string  `json:"label_names"`
	Position          int       `json:"position"`
	Promoted          bool      `json:"promoted"`
	CommentsDisabled  bool      `json:"comments_disabled"`
	Archived          bool      `json:"archived"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Translation is an article's text in one locale.
type Translation struct {
	ID        int64     `json:"id"`
	SourceID  int64     `json:"source_id"`
	Locale    string    `json:"locale"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Draft     bool      `json:"draft"`
	Outdated  bool      `json:"outdated"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Attachment is a file attached to an article.
type Attachment struct {
	ID          int64  `json:"id"`
	ArticleID   int64  `json:"article_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline"`
}

// Ticket is a support ticket.
type Ticket struct {
	ID           int64           `json:"id"`
	Subject      string          `json:"subject"`
	Description  string          `json:"description"`
	Comments     []TicketComment `json:"comments"`
	Tags         []string        `json:"tags"`
	ExternalID   string          `json:"external_id"`
	CustomFields []CustomField   `json:"custom_fields"`
	Status       string          `json:"status"`
	AssigneeID   int64           `json:"assignee_id,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// TicketComment is a comment on a ticket.
type TicketComment struct {
	Body     string `json:"body,omitempty"`
	HTMLBody string `json:"html_body,omitempty"`
	Public   bool   `json:"public"`
}

// CustomField is a ticket field value.
type CustomField struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

// NewState returns a help center with one section, one permission group, one user
// segment and the locales given (the first is the default).
func NewState(locales ...string) *State {
	if len(locales) == 0 {
		locales = []string{"en-us"}
	}
	return &State{
		NextID:           1000,
		DefaultLocale:    locales[0],
		Locales:          slices.Clone(locales),
		Sections:         []Section{{ID: 360001, Name: "Release notes", Locale: locales[0]}},
		PermissionGroups: []PermissionGroup{{ID: 1501, Name: "Managers"}},
		UserSegments:     []UserSegment{{ID: 2601, Name: "Signed-in customers"}},
		Articles:         map[int64]*Article{},
		Translations:     map[int64][]*Translation{},
		Attachments:      map[int64][]*Attachment{},
	}
}

// Save writes the state as JSON.
func (s *State) Save(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// LoadState reads a state written by Save.
func LoadState(r io.Reader) (*State, error) {
	var s State
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, err
	}
	if s.Articles == nil {
		s.Articles = map[int64]*Article{}
	}
	if s.Translations == nil {
		s.Translations = map[int64][]*Translation{}
	}
	if s.Attachments == nil {
		s.Attachments = map[int64][]*Attachment{}
	}
	return &s, nil
}

func (s *State) id() int64 {
	s.NextID++
	return s.NextID
}

func (s *State) localeEnabled(l string) bool { return slices.Contains(s.Locales, l) }

func (s *State) translation(articleID int64, locale string) *Translation {
	for _, t := range s.Translations[articleID] {
		if t.Locale == locale {
			return t
		}
	}
	return nil
}
