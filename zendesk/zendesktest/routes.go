package zendesktest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	hcPath     = regexp.MustCompile(`^/api/v2/help_center/(?:([a-z]{2}(?:-[a-z0-9]+)*)/)?(.+)$`)
	maxBody    = 1 << 20
	maxLabels  = 50
	maxFilter  = 10
	maxOffset  = 10000
	defaultPer = 30
)

// route dispatches an authenticated API request.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte) {
	p := strings.TrimSuffix(r.URL.Path, ".json")
	if p == "/api/v2/guide/permission_groups" && r.Method == http.MethodGet {
		s.mu.Lock()
		defer s.mu.Unlock()
		paginate(w, r, s.cfg.PageSizeLimit, "permission_groups", s.state.PermissionGroups)
		return
	}
	if strings.HasPrefix(p, "/api/v2/users") {
		s.routeUsers(w, r, p)
		return
	}
	if strings.HasPrefix(p, "/api/v2/tickets") || p == "/api/v2/search" {
		s.routeTickets(w, r, p, body)
		return
	}
	m := hcPath.FindStringSubmatch(p)
	if m == nil {
		notFound(w)
		return
	}
	locale, parts := m[1], strings.Split(m[2], "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	if locale != "" && !s.state.localeEnabled(locale) {
		writeJSON(w, 404, map[string]any{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	id := func(i int) int64 {
		if i >= len(parts) {
			return 0
		}
		n, _ := strconv.ParseInt(parts[i], 10, 64)
		return n
	}
	switch {
	case len(parts) == 1 && parts[0] == "locales" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"locales": s.state.Locales, "default_locale": s.state.DefaultLocale})
	case len(parts) == 1 && parts[0] == "sections" && r.Method == http.MethodGet:
		paginate(w, r, s.cfg.PageSizeLimit, "sections", s.state.Sections)
	case len(parts) == 2 && parts[0] == "sections" && r.Method == http.MethodGet:
		for _, sec := range s.state.Sections {
			if sec.ID == id(1) {
				writeJSON(w, 200, map[string]any{"section": sec})
				return
			}
		}
		notFound(w)
	case len(parts) == 1 && parts[0] == "user_segments" && r.Method == http.MethodGet:
		paginate(w, r, s.cfg.PageSizeLimit, "user_segments", s.state.UserSegments)
	case len(parts) == 3 && parts[0] == "sections" && parts[2] == "articles":
		switch r.Method {
		case http.MethodGet:
			s.listArticles(w, r, locale, func(a *Article) bool { return a.SectionID == id(1) })
		case http.MethodPost:
			s.createArticle(w, locale, id(1), body)
		default:
			methodNotAllowed(w)
		}
	case len(parts) == 1 && parts[0] == "articles" && r.Method == http.MethodGet:
		s.listArticles(w, r, locale, func(*Article) bool { return true })
	case len(parts) == 2 && parts[0] == "articles":
		a := s.article(id(1))
		if a == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"article": s.articleJSON(a, cmp.Or(locale, a.SourceLocale))})
		case http.MethodPut:
			s.updateArticle(w, a, body)
		case http.MethodDelete:
			a.Archived = true
			w.WriteHeader(http.StatusNoContent)
		default:
			methodNotAllowed(w)
		}
	case len(parts) == 3 && parts[0] == "articles" && parts[2] == "translations":
		a := s.article(id(1))
		if a == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			paginate(w, r, s.cfg.PageSizeLimit, "translations", s.translationsJSON(a))
		case http.MethodPost:
			s.createTranslation(w, a, body)
		default:
			methodNotAllowed(w)
		}
	case len(parts) == 4 && parts[0] == "articles" && parts[2] == "translations":
		a := s.article(id(1))
		t := (*Translation)(nil)
		if a != nil {
			t = s.state.translation(a.ID, parts[3])
		}
		if t == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, map[string]any{"translation": s.translationJSON(a, t)})
		case http.MethodPut:
			s.updateTranslation(w, a, t, body)
		default:
			methodNotAllowed(w)
		}
	case len(parts) == 3 && parts[0] == "articles" && parts[2] == "attachments":
		a := s.article(id(1))
		if a == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			paginate(w, r, s.cfg.PageSizeLimit, "article_attachments", s.state.Attachments[a.ID])
		case http.MethodPost:
			s.createAttachment(w, r, a, body)
		default:
			methodNotAllowed(w)
		}
	default:
		notFound(w)
	}
}

func (s *Server) article(id int64) *Article {
	a := s.state.Articles[id]
	if a == nil || a.Archived {
		return nil
	}
	return a
}

// listArticles lists the articles that match keep and the label filter, in the
// path's locale (only articles translated into it) or each in its source locale.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request, locale string, keep func(*Article) bool) {
	var labels []string
	if l := r.URL.Query().Get("label_names"); l != "" {
		labels = strings.Split(l, ",")
	}
	if len(labels) > maxFilter {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid parameter", "message": fmt.Sprintf("label_names accepts at most %d labels", maxFilter)}})
		return
	}
	ids := make([]int64, 0, len(s.state.Articles))
	for id := range s.state.Articles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := []map[string]any{}
	for _, id := range ids {
		a := s.state.Articles[id]
		if a.Archived || !keep(a) {
			continue
		}
		if !slices.ContainsFunc(labels, func(l string) bool { return !slices.Contains(a.LabelNames, l) }) {
			loc := cmp.Or(locale, a.SourceLocale)
			if s.state.translation(a.ID, loc) == nil {
				continue
			}
			out = append(out, s.articleJSON(a, loc))
		}
	}
	paginate(w, r, s.cfg.PageSizeLimit, "articles", out)
}

func (s *Server) baseURL() string {
	switch {
	case s.base != "":
		return s.base
	case s.Server != nil:
		return s.URL
	}
	return "http://zendesk.local"
}

func (s *Server) articleJSON(a *Article, locale string) map[string]any {
	t := s.state.translation(a.ID, locale)
	if t == nil {
		t = s.state.translation(a.ID, a.SourceLocale)
	}
	m := map[string]any{
		"id": a.ID, "url": fmt.Sprintf("%s/api/v2/help_center/%s/articles/%d.json", s.baseURL(), t.Locale, a.ID),
		"html_url": fmt.Sprintf("%s/hc/%s/articles/%d", s.baseURL(), t.Locale, a.ID), "section_id": a.SectionID,
		"source_locale": a.SourceLocale, "locale": t.Locale, "title": t.Title, "name": t.Title, "body": t.Body, "draft": t.Draft,
		"outdated": t.Outdated, "permission_group_id": a.PermissionGroupID, "user_segment_id": a.UserSegmentID,
		"label_names": a.LabelNames, "position": a.Position, "promoted": a.Promoted, "comments_disabled": a.CommentsDisabled,
		"created_at": a.CreatedAt.UTC().Format(time.RFC3339), "updated_at": a.UpdatedAt.UTC().Format(time.RFC3339),
		"edited_at": t.UpdatedAt.UTC().Format(time.RFC3339),
	}
	if a.LabelNames == nil {
		m["label_names"] = []string{}
	}
	return m
}

func (s *Server) translationsJSON(a *Article) []map[string]any {
	out := []map[string]any{}
	for _, t := range s.state.Translations[a.ID] {
		out = append(out, s.translationJSON(a, t))
	}
	return out
}

func (s *Server) translationJSON(a *Article, t *Translation) map[string]any {
	return map[string]any{
		"id": t.ID, "url": fmt.Sprintf("%s/api/v2/help_center/articles/%d/translations/%d.json", s.baseURL(), a.ID, t.ID),
		"html_url": fmt.Sprintf("%s/hc/%s/articles/%d", s.baseURL(), t.Locale, a.ID), "source_id": a.ID, "source_type": "Article",
		"locale": t.Locale, "title": t.Title, "body": t.Body, "draft": t.Draft, "outdated": t.Outdated, "hidden": false,
		"created_at": t.CreatedAt.UTC().Format(time.RFC3339), "updated_at": t.UpdatedAt.UTC().Format(time.RFC3339),
	}
}

// createArticle implements POST /sections/{id}/articles with the rules of the real
// API: a permission group, an explicit (possibly null) user segment, an enabled
// locale, notify_subscribers at the root, and drafts only unless allowed.
func (s *Server) createArticle(w http.ResponseWriter, pathLocale string, sectionID int64, body []byte) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(body, &root); err != nil || root["article"] == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with an \"article\" key."}})
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(root["article"], &fields); err != nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "\"article\" must be an object."}})
		return
	}
	if _, misplaced := fields["notify_subscribers"]; misplaced {
		writeJSON(w, 400, map[string]any{"errors": map[string]any{"notify_subscribers": []string{"is not an article attribute; send it at the root of the request"}}})
		return
	}
	if !slices.ContainsFunc(s.state.Sections, func(sec Section) bool { return sec.ID == sectionID }) {
		notFound(w)
		return
	}
	var a struct {
		Title             string   `json:"title"`
		Body              string   `json:"body"`
		Locale            string   `json:"locale"`
		PermissionGroupID int64    `json:"permission_group_id"`
		UserSegmentID     *int64   `json:"user_segment_id"`
		LabelNames        []string `json:"label_names"`
		Draft             bool     `json:"draft"`
		Position          int      `json:"position"`
		Promoted          bool     `json:"promoted"`
	}
	if err := json.Unmarshal(root["article"], &a); err != nil {
		writeJSON(w, 400, map[string]any{"errors": []map[string]any{{"code": "InvalidJSON", "title": err.Error(), "status": "400"}}})
		return
	}
	locale := cmp.Or(a.Locale, cmp.Or(pathLocale, s.state.DefaultLocale))
	invalid := map[string]any{}
	if strings.TrimSpace(a.Title) == "" {
		invalid["title"] = []any{map[string]string{"description": "Title cannot be blank", "error": "BlankValue"}}
	}
	if a.PermissionGroupID == 0 {
		invalid["permission_group_id"] = []any{map[string]string{"description": "Permission group is required", "error": "BlankValue"}}
	} else if !slices.ContainsFunc(s.state.PermissionGroups, func(g PermissionGroup) bool { return g.ID == a.PermissionGroupID }) {
		invalid["permission_group_id"] = []any{map[string]string{"description": "Permission group does not exist", "error": "InvalidValue"}}
	}
	if _, present := fields["user_segment_id"]; !present {
		invalid["user_segment_id"] = []any{map[string]string{"description": "User segment is required (null for everyone)", "error": "BlankValue"}}
	} else if a.UserSegmentID != nil && !slices.ContainsFunc(s.state.UserSegments, func(u UserSegment) bool { return u.ID == *a.UserSegmentID }) {
		invalid["user_segment_id"] = []any{map[string]string{"description": "User segment does not exist", "error": "InvalidValue"}}
	}
	if !s.state.localeEnabled(locale) {
		invalid["locale"] = []any{map[string]string{"description": "Locale " + locale + " is not enabled in this help center", "error": "InvalidValue"}}
	}
	if len(a.LabelNames) > maxLabels {
		invalid["label_names"] = []any{map[string]string{"description": fmt.Sprintf("An article can have at most %d labels", maxLabels), "error": "TooLong"}}
	}
	if len(a.Body) > maxBody {
		invalid["body"] = []any{map[string]string{"description": "Body is too long", "error": "TooLong"}}
	}
	if len(invalid) > 0 {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors", "details": invalid})
		return
	}
	if !a.Draft && !s.cfg.AllowPublishedCreate {
		writeJSON(w, 403, map[string]any{"error": map[string]any{"title": "Forbidden", "message": "You cannot publish articles in this section; create the article as a draft."}})
		return
	}
	now := s.now()
	art := &Article{ID: s.state.id(), SectionID: sectionID, SourceLocale: locale, PermissionGroupID: a.PermissionGroupID,
		UserSegmentID: a.UserSegmentID, LabelNames: a.LabelNames, Position: a.Position, Promoted: a.Promoted, CreatedAt: now, UpdatedAt: now}
	s.state.Articles[art.ID] = art
	s.state.Translations[art.ID] = []*Translation{{ID: s.state.id(), SourceID: art.ID, Locale: locale, Title: a.Title,
		Body: sanitize(a.Body), Draft: a.Draft, CreatedAt: now, UpdatedAt: now}}
	w.Header().Set("Location", fmt.Sprintf("%s/api/v2/help_center/%s/articles/%d.json", s.baseURL(), locale, art.ID))
	writeJSON(w, 201, map[string]any{"article": s.articleJSON(art, locale)})
}

// updateArticle implements PUT /articles/{id}: metadata only. Like the real API,
// it silently ignores title, body, draft and locale.
func (s *Server) updateArticle(w http.ResponseWriter, a *Article, body []byte) {
	var root struct {
		Article map[string]json.RawMessage `json:"article"`
	}
	if err := json.Unmarshal(body, &root); err != nil || root.Article == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with an \"article\" key."}})
		return
	}
	set := func(key string, dst any) bool {
		raw, ok := root.Article[key]
		return ok && json.Unmarshal(raw, dst) == nil
	}
	changed := false
	var labels []string
	if set("label_names", &labels) {
		if len(labels) > maxLabels {
			writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
				"details": map[string]any{"label_names": []any{map[string]string{"description": fmt.Sprintf("An article can have at most %d labels", maxLabels), "error": "TooLong"}}}})
			return
		}
		changed = changed || !slices.Equal(labels, a.LabelNames)
		a.LabelNames = labels
	}
	var n int64
	if set("section_id", &n) && n != a.SectionID {
		a.SectionID, changed = n, true
	}
	if set("permission_group_id", &n) && n != a.PermissionGroupID {
		a.PermissionGroupID, changed = n, true
	}
	if raw, ok := root.Article["user_segment_id"]; ok {
		var seg *int64
		if json.Unmarshal(raw, &seg) == nil {
			a.UserSegmentID, changed = seg, true
		}
	}
	var b bool
	if set("promoted", &b) {
		a.Promoted, changed = b, true
	}
	var pos int
	if set("position", &pos) {
		a.Position, changed = pos, true
	}
	if changed {
		a.UpdatedAt = s.now()
	}
	writeJSON(w, 200, map[string]any{"article": s.articleJSON(a, a.SourceLocale)})
}

func (s *Server) createTranslation(w http.ResponseWriter, a *Article, body []byte) {
	var root struct {
		Translation *struct {
			Locale string `json:"locale"`
			Title  string `json:"title"`
			Body   string `json:"body"`
			Draft  bool   `json:"draft"`
		} `json:"translation"`
	}
	if err := json.Unmarshal(body, &root); err != nil || root.Translation == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with a \"translation\" key."}})
		return
	}
	t := root.Translation
	switch {
	case !s.state.localeEnabled(t.Locale):
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"locale": []any{map[string]string{"description": "Locale " + t.Locale + " is not enabled in this help center", "error": "InvalidValue"}}}})
	case s.state.translation(a.ID, t.Locale) != nil:
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"locale": []any{map[string]string{"description": "Locale has already been taken", "error": "DuplicateValue"}}}})
	case strings.TrimSpace(t.Title) == "":
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"title": []any{map[string]string{"description": "Title cannot be blank", "error": "BlankValue"}}}})
	case len(t.Body) > maxBody:
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"body": []any{map[string]string{"description": "Body is too long", "error": "TooLong"}}}})
	default:
		now := s.now()
		tr := &Translation{ID: s.state.id(), SourceID: a.ID, Locale: t.Locale, Title: t.Title, Body: sanitize(t.Body), Draft: t.Draft, CreatedAt: now, UpdatedAt: now}
		s.state.Translations[a.ID] = append(s.state.Translations[a.ID], tr)
		writeJSON(w, 201, map[string]any{"translation": s.translationJSON(a, tr)})
	}
}

// updateTranslation implements PUT /articles/{id}/translations/{locale}. Unchanged
// data leaves updated_at alone.
func (s *Server) updateTranslation(w http.ResponseWriter, a *Article, t *Translation, body []byte) {
	var root struct {
		Translation map[string]json.RawMessage `json:"translation"`
	}
	if err := json.Unmarshal(body, &root); err != nil || root.Translation == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "The request body must be an object with a \"translation\" key."}})
		return
	}
	title, bodyText, draft := t.Title, t.Body, t.Draft
	if raw, ok := root.Translation["title"]; ok {
		_ = json.Unmarshal(raw, &title)
	}
	if raw, ok := root.Translation["body"]; ok {
		_ = json.Unmarshal(raw, &bodyText)
		if len(bodyText) > maxBody {
			writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
				"details": map[string]any{"body": []any{map[string]string{"description": "Body is too long", "error": "TooLong"}}}})
			return
		}
		bodyText = sanitize(bodyText)
	}
	if raw, ok := root.Translation["draft"]; ok {
		_ = json.Unmarshal(raw, &draft)
	}
	if strings.TrimSpace(title) == "" {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"title": []any{map[string]string{"description": "Title cannot be blank", "error": "BlankValue"}}}})
		return
	}
	if title != t.Title || bodyText != t.Body || draft != t.Draft {
		t.Title, t.Body, t.Draft, t.UpdatedAt = title, bodyText, draft, s.now()
	}
	writeJSON(w, 200, map[string]any{"translation": s.translationJSON(a, t)})
}

func (s *Server) createAttachment(w http.ResponseWriter, r *http.Request, a *Article, body []byte) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "Attachments are uploaded as multipart/form-data."}})
		return
	}
	mr := multipart.NewReader(strings.NewReader(string(body)), params["boundary"])
	form, err := mr.ReadForm(32 << 20)
	if err != nil || len(form.File["file"]) != 1 {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid request", "message": "Send exactly one file in the \"file\" field."}})
		return
	}
	fh := form.File["file"][0]
	if fh.Size > 20<<20 {
		writeJSON(w, 422, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"file": []any{map[string]string{"description": "Attachments are limited to 20 MB", "error": "TooLong"}}}})
		return
	}
	att := &Attachment{ID: s.state.id(), ArticleID: a.ID, FileName: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Size: fh.Size,
		Inline: form.Value["inline"] != nil && form.Value["inline"][0] == "true"}
	s.state.Attachments[a.ID] = append(s.state.Attachments[a.ID], att)
	writeJSON(w, 201, map[string]any{"article_attachment": att})
}

// paginate writes one page of items, by cursor (page[size], page[after]) or by
// offset (page, per_page) as the request asks.
// A positive limit caps every page, as servers may: clients must follow the
// cursor rather than count on the size they asked for.
func paginate[T any](w http.ResponseWriter, r *http.Request, limit int, key string, items []T) {
	q := r.URL.Query()
	if q.Has("page[size]") || q.Has("page[after]") {
		size := defaultPer
		if v := q.Get("page[size]"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid page size", "message": "page[size] must be between 1 and 100"}})
				return
			}
			size = n
		}
		if limit > 0 {
			size = min(size, limit)
		}
		start := 0
		if c := q.Get("page[after]"); c != "" {
			raw, err := base64.RawURLEncoding.DecodeString(c)
			n, err2 := strconv.Atoi(string(raw))
			if err != nil || err2 != nil || n < 0 || n > len(items) {
				writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid cursor", "message": "page[after] is not a valid cursor"}})
				return
			}
			start = n
		}
		end := min(start+size, len(items))
		more := end < len(items)
		after := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next := any(nil)
		if more {
			u := *r.URL
			qq := u.Query()
			qq.Set("page[after]", after)
			u.RawQuery = qq.Encode()
			next = "http://" + r.Host + u.String()
		}
		writeJSON(w, 200, map[string]any{key: items[start:end], "meta": map[string]any{"has_more": more, "after_cursor": after, "before_cursor": nil},
			"links": map[string]any{"next": next, "prev": nil}})
		return
	}
	page, per := 1, defaultPer
	if v := q.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	if v := q.Get("per_page"); v != "" {
		per, _ = strconv.Atoi(v)
	}
	if page < 1 || per < 1 || per > 100 {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"title": "Invalid pagination", "message": "page must be 1 or more and per_page between 1 and 100"}})
		return
	}
	if page*per > maxOffset {
		writeJSON(w, 400, map[string]any{"error": "InvalidPaginationParameter", "description": "Offset pagination is limited to 10,000 records; use cursor pagination"})
		return
	}
	if limit > 0 {
		per = min(per, limit)
	}
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	next := any(nil)
	if end < len(items) {
		u := *r.URL
		qq := u.Query()
		qq.Set("page", strconv.Itoa(page+1))
		qq.Set("per_page", strconv.Itoa(per))
		u.RawQuery = qq.Encode()
		next = "http://" + r.Host + u.String()
	}
	writeJSON(w, 200, map[string]any{key: items[start:end], "page": page, "per_page": per, "count": len(items),
		"page_count": (len(items) + per - 1) / per, "next_page": next, "previous_page": nil})
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, 404, map[string]any{"error": "RecordNotFound", "description": "Not found"})
}

func methodNotAllowed(w http.ResponseWriter) {
	writeJSON(w, 405, map[string]any{"error": "MethodNotAllowed", "description": "Method not allowed"})
}

// sanitize strips what the help center removes from article bodies: scripts,
// styles, frames, event handlers, inline styles and javascript: links.
var (
	dangerousElements = regexp.MustCompile(`(?is)<(script|style|iframe|object|embed)\b.*?</(script|style|iframe|object|embed)\s*>`)
	eventAttributes   = regexp.MustCompile(`(?i)\s(on[a-z]+|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	javascriptLinks   = regexp.MustCompile(`(?i)(href|src)\s*=\s*("\s*javascript:[^"]*"|'\s*javascript:[^']*')`)
	blockWhitespace   = regexp.MustCompile(`(?i)(</(?:p|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|pre|blockquote)>)\s+`)
)

func sanitize(body string) string {
	body = dangerousElements.ReplaceAllString(body, "")
	body = eventAttributes.ReplaceAllString(body, "")
	body = javascriptLinks.ReplaceAllString(body, `$1="#"`)
	// The editor also reflows the markup: white space after a block closes goes,
	// so a client that compares bodies byte for byte sees a change that is not one.
	return blockWhitespace.ReplaceAllString(body, "$1")
}
