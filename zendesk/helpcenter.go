package zendesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits of the Help Center that callers should check before sending.
const (
	// MaxLabels is the number of labels an article can carry.
	MaxLabels = 50
	// MaxLabelFilter is the number of labels one list request can filter by.
	MaxLabelFilter = 10
	// MaxBodyBytes is roughly the largest translation body the API accepts.
	MaxBodyBytes = 1 << 20
	// MaxAttachmentBytes is the largest attachment.
	MaxAttachmentBytes = 20 << 20
	// pageSize is the page size of every list: the API's maximum, so that
	// lists cost as few requests as possible.
	pageSize = 100
	// maxPages bounds a list, so that a server that never stops paging cannot
	// keep the client busy forever.
	maxPages = 10000
)

// localeSyntax is a Help Center locale as URLs spell it: en-us, de, pt-br.
var localeSyntax = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// Locales are the locales enabled in the Help Center.
type Locales struct {
	Default string   `json:"default_locale"`
	Enabled []string `json:"locales"`
}

// Section is a Help Center section.
type Section struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Locale  string `json:"locale"`
	HTMLURL string `json:"html_url"`
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

// Article is an article as listed in one locale: its metadata, and its title,
// body and draft flag in that locale.
type Article struct {
	ID                int64     `json:"id"`
	HTMLURL           string    `json:"html_url"`
	SectionID         int64     `json:"section_id"`
	Locale            string    `json:"locale"`
	SourceLocale      string    `json:"source_locale"`
	Title             string    `json:"title"`
	Body              string    `json:"body"`
	Draft             bool      `json:"draft"`
	PermissionGroupID int64     `json:"permission_group_id"`
	UserSegmentID     *int64    `json:"user_segment_id"`
	LabelNames        []string  `json:"label_names"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Translation is an article's text in one locale.
type Translation struct {
	ID        int64     `json:"id"`
	SourceID  int64     `json:"source_id"`
	Locale    string    `json:"locale"`
	HTMLURL   string    `json:"html_url"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Draft     bool      `json:"draft"`
	Outdated  bool      `json:"outdated"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Attachment is a file attached to an article.
type Attachment struct {
	ID          int64  `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline"`
	ContentURL  string `json:"content_url"`
}

// NewArticle is an article to create, with its first translation.
type NewArticle struct {
	Title             string `json:"title"`
	Body              string `json:"body"`
	Locale            string `json:"locale"`
	PermissionGroupID int64  `json:"permission_group_id"`
	// UserSegmentID is always sent: nil means everyone, as the API requires
	// the key to be present.
	UserSegmentID *int64   `json:"user_segment_id"`
	LabelNames    []string `json:"label_names"`
	Draft         bool     `json:"draft"`
}

// ArticleMetadata is what an article PUT can change: metadata only. Title, body
// and draft belong to translations (UpdateTranslation). Nil fields are left as
// they are.
type ArticleMetadata struct {
	LabelNames        *[]string `json:"label_names,omitempty"`
	SectionID         *int64    `json:"section_id,omitempty"`
	PermissionGroupID *int64    `json:"permission_group_id,omitempty"`
	// UserSegment sets who may read the article.
	UserSegment *Segment `json:"user_segment_id,omitempty"`
	Promoted    *bool    `json:"promoted,omitempty"`
	Position    *int     `json:"position,omitempty"`
}

// Segment names a user segment, or everyone when ID is nil.
type Segment struct{ ID *int64 }

// MarshalJSON writes the id, or null for everyone.
func (s Segment) MarshalJSON() ([]byte, error) {
	if s.ID == nil {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(*s.ID, 10)), nil
}

// NewTranslation is an article's text in a locale it does not have yet.
type NewTranslation struct {
	Locale string `json:"locale"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Draft  bool   `json:"draft"`
}

// TranslationUpdate changes a translation; nil fields are left as they are.
type TranslationUpdate struct {
	Title *string `json:"title,omitempty"`
	Body  *string `json:"body,omitempty"`
	Draft *bool   `json:"draft,omitempty"`
}

func checkLocale(locale string) error {
	if !localeSyntax.MatchString(locale) {
		return fmt.Errorf("zendesk: %q is not a Help Center locale like en-us", locale)
	}
	return nil
}

func hcPath(locale string, parts ...string) string {
	p := "/api/v2/help_center"
	if locale != "" {
		p += "/" + locale
	}
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Locales returns the enabled locales and the default one.
func (c *Client) Locales(ctx context.Context) (*Locales, error) {
	var out Locales
	if err := c.do(ctx, call{method: http.MethodGet, path: hcPath("", "locales")}, &out); err != nil {
		return nil, err
	}
	for _, l := range append([]string{out.Default}, out.Enabled...) {
		if err := checkLocale(l); err != nil {
			return nil, fmt.Errorf("zendesk: the locales answer is malformed: %w", err)
		}
	}
	return &out, nil
}

// Section returns a section.
func (c *Client) Section(ctx context.Context, sectionID int64) (*Section, error) {
	var out struct {
		Section *Section `json:"section"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: hcPath("", "sections", id(sectionID))}, &out); err != nil {
		return nil, err
	}
	if out.Section == nil || out.Section.ID != sectionID {
		return nil, malformed(http.MethodGet, hcPath("", "sections", id(sectionID)), "no section with the id asked for")
	}
	return out.Section, nil
}

// PermissionGroups lists the permission groups.
func (c *Client) PermissionGroups(ctx context.Context) ([]PermissionGroup, error) {
	return list[PermissionGroup](ctx, c, "/api/v2/guide/permission_groups", nil, "permission_groups")
}

// UserSegments lists the user segments.
func (c *Client) UserSegments(ctx context.Context) ([]UserSegment, error) {
	return list[UserSegment](ctx, c, hcPath("", "user_segments"), nil, "user_segments")
}

// ArticlesByLabels lists the articles that carry every label (at most
// MaxLabelFilter), as translated into locale: an article without a translation in
// that locale is not listed. Archived articles are never listed.
func (c *Client) ArticlesByLabels(ctx context.Context, locale string, labels []string) ([]Article, error) {
	if err := checkLocale(locale); err != nil {
		return nil, err
	}
	if len(labels) == 0 || len(labels) > MaxLabelFilter {
		return nil, fmt.Errorf("zendesk: filter by 1 to %d labels, not %d", MaxLabelFilter, len(labels))
	}
	for _, l := range labels {
		if l == "" || strings.Contains(l, ",") {
			return nil, fmt.Errorf("zendesk: label %q cannot be filtered by", l)
		}
	}
	q := url.Values{"label_names": {strings.Join(labels, ",")}}
	arts, err := list[Article](ctx, c, hcPath(locale, "articles"), q, "articles")
	if err != nil {
		return nil, err
	}
	for _, a := range arts {
		if a.ID <= 0 {
			return nil, malformed(http.MethodGet, hcPath(locale, "articles"), "an article without an id")
		}
	}
	return arts, nil
}

// CreateArticle creates an article in a section, with its first translation.
// notify_subscribers is sent as false: release notes announce themselves. The
// API has no idempotency key for this: when the error is of kind Ambiguous, look
// for the article before trying again.
func (c *Client) CreateArticle(ctx context.Context, sectionID int64, a NewArticle) (*Article, error) {
	if err := checkLocale(a.Locale); err != nil {
		return nil, err
	}
	if a.LabelNames == nil {
		a.LabelNames = []string{}
	}
	p := hcPath(a.Locale, "sections", id(sectionID), "articles")
	var out struct {
		Article *Article `json:"article"`
	}
	body := map[string]any{"article": a, "notify_subscribers": false}
	if err := c.do(ctx, call{method: http.MethodPost, path: p, body: body, unsafe: true}, &out); err != nil {
		return nil, err
	}
	if out.Article == nil || out.Article.ID <= 0 {
		return nil, malformed(http.MethodPost, p, "no article in the answer")
	}
	return out.Article, nil
}

// UpdateArticle changes an article's metadata.
func (c *Client) UpdateArticle(ctx context.Context, articleID int64, m ArticleMetadata) (*Article, error) {
	p := hcPath("", "articles", id(articleID))
	var out struct {
		Article *Article `json:"article"`
	}
	if err := c.do(ctx, call{method: http.MethodPut, path: p, body: map[string]any{"article": m}}, &out); err != nil {
		return nil, err
	}
	if out.Article == nil || out.Article.ID != articleID {
		return nil, malformed(http.MethodPut, p, "not the article updated")
	}
	return out.Article, nil
}

// ArchiveArticle archives an article (DELETE /articles/{id}): it leaves every
// list and its pages, and can be restored from the Guide admin's archive. An
// article already archived (or gone) is not an error, so that the call is safe
// to repeat.
func (c *Client) ArchiveArticle(ctx context.Context, articleID int64) error {
	err := c.do(ctx, call{method: http.MethodDelete, path: hcPath("", "articles", id(articleID))}, nil)
	if KindOf(err) == KindNotFound {
		return nil
	}
	return err
}

// Sleep waits d on the client's clock (the one tests inject): callers that poll
// — a look-up after a create whose outcome is unknown — wait the way the client
// waits between its own retries, and stop when ctx ends.
func (c *Client) Sleep(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) }

// Translations lists an article's translations.
func (c *Client) Translations(ctx context.Context, articleID int64) ([]Translation, error) {
	return list[Translation](ctx, c, hcPath("", "articles", id(articleID), "translations"), nil, "translations")
}

// CreateTranslation adds a locale to an article. Like an article create it is
// not safe to repeat blindly; a repeat is refused with "Locale has already been
// taken", which is harmless.
func (c *Client) CreateTranslation(ctx context.Context, articleID int64, t NewTranslation) (*Translation, error) {
	if err := checkLocale(t.Locale); err != nil {
		return nil, err
	}
	p := hcPath("", "articles", id(articleID), "translations")
	var out struct {
		Translation *Translation `json:"translation"`
	}
	if err := c.do(ctx, call{method: http.MethodPost, path: p, body: map[string]any{"translation": t}, unsafe: true}, &out); err != nil {
		return nil, err
	}
	if out.Translation == nil || out.Translation.Locale != t.Locale {
		return nil, malformed(http.MethodPost, p, "no translation in the answer")
	}
	return out.Translation, nil
}

// UpdateTranslation changes an article's title, body or draft flag in a locale.
// A PUT sets values, so it is safe to repeat.
func (c *Client) UpdateTranslation(ctx context.Context, articleID int64, locale string, u TranslationUpdate) (*Translation, error) {
	if err := checkLocale(locale); err != nil {
		return nil, err
	}
	p := hcPath("", "articles", id(articleID), "translations", locale)
	var out struct {
		Translation *Translation `json:"translation"`
	}
	if err := c.do(ctx, call{method: http.MethodPut, path: p, body: map[string]any{"translation": u}}, &out); err != nil {
		return nil, err
	}
	if out.Translation == nil || out.Translation.Locale != locale {
		return nil, malformed(http.MethodPut, p, "not the translation updated")
	}
	return out.Translation, nil
}

// UploadAttachment attaches a file (at most MaxAttachmentBytes) to an article.
func (c *Client) UploadAttachment(ctx context.Context, articleID int64, name, contentType string, r io.Reader, inline bool) (*Attachment, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachmentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxAttachmentBytes {
		return nil, fmt.Errorf("zendesk: %s is larger than the %d MB attachments may be", name, MaxAttachmentBytes>>20)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("inline", strconv.FormatBool(inline))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", contentType)
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	p := hcPath("", "articles", id(articleID), "attachments")
	var out struct {
		Attachment *Attachment `json:"article_attachment"`
	}
	if err := c.do(ctx, call{method: http.MethodPost, path: p, raw: buf.Bytes(), contentType: mw.FormDataContentType(), unsafe: true}, &out); err != nil {
		return nil, err
	}
	if out.Attachment == nil || out.Attachment.ID <= 0 {
		return nil, malformed(http.MethodPost, p, "no attachment in the answer")
	}
	return out.Attachment, nil
}

// list reads every page of a cursor-paginated list. It builds each next request
// itself from the cursor, rather than following links.next, so that a link to
// another host is never followed with credentials.
func list[T any](ctx context.Context, c *Client, path string, q url.Values, key string) ([]T, error) {
	query := url.Values{}
	for k, v := range q {
		query[k] = v
	}
	query.Set("page[size]", strconv.Itoa(pageSize))
	var all []T
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, malformed(http.MethodGet, path, fmt.Sprintf("more than %d pages", maxPages))
		}
		var out map[string]jsonRaw
		if err := c.do(ctx, call{method: http.MethodGet, path: path, query: query}, &out); err != nil {
			return nil, err
		}
		var items []T
		if err := out[key].decode(&items); err != nil {
			return nil, malformed(http.MethodGet, path, fmt.Sprintf("%q is not a list: %v", key, err))
		}
		all = append(all, items...)
		var meta struct {
			HasMore     bool   `json:"has_more"`
			AfterCursor string `json:"after_cursor"`
		}
		if err := out["meta"].decode(&meta); err != nil {
			return nil, malformed(http.MethodGet, path, "the pagination metadata is malformed")
		}
		if len(out["meta"]) == 0 {
			// A server that answered with offset pagination: follow its page
			// numbers (never its URLs, which could point elsewhere).
			next, ok, err := nextOffsetPage(out["next_page"], page)
			if err != nil {
				// The URL is the server's: it may echo credentials.
				return nil, malformed(http.MethodGet, path, c.redact(err.Error()))
			}
			if !ok {
				return all, nil
			}
			query.Del("page[size]")
			query.Set("per_page", strconv.Itoa(pageSize))
			query.Set("page", strconv.Itoa(next))
			continue
		}
		if !meta.HasMore {
			return all, nil
		}
		if meta.AfterCursor == "" || seen[meta.AfterCursor] || len(meta.AfterCursor) > 4096 {
			return nil, malformed(http.MethodGet, path, "the next page's cursor is missing or repeats")
		}
		seen[meta.AfterCursor] = true
		query.Set("page[after]", meta.AfterCursor)
	}
}

// nextOffsetPage reads the page number of an offset-paginated answer's
// next_page URL; it must be the page after the one read.
func nextOffsetPage(raw jsonRaw, read int) (int, bool, error) {
	var next *string
	if err := raw.decode(&next); err != nil {
		return 0, false, errors.New("next_page is not a URL")
	}
	if next == nil || *next == "" {
		return 0, false, nil
	}
	u, err := url.Parse(*next)
	if err != nil {
		return 0, false, errors.New("next_page is not a URL")
	}
	n, err := strconv.Atoi(u.Query().Get("page"))
	if err != nil || n != read+2 {
		return 0, false, fmt.Errorf("next_page %q does not name the next page", clean(*next, 120))
	}
	return n, true, nil
}

func malformed(method, path, what string) error {
	return &Error{Kind: KindOther, Method: method, Path: path, Status: 200, Message: "malformed answer: " + what}
}
