package templates

import (
	"bytes"
	"errors"
	"strings"
)

// DeploymentRequestMarkdown is the built-in template of a new deployment's
// change request: the product deployed on a customer's tenant for the first
// time. A workspace or locale overrides it like any other template.
const DeploymentRequestMarkdown = "deployment-request.md.tmpl"

// errNotInstall refuses to render a deployment's communications for an
// upgrade: its change request is ChangeRequestMarkdown.
var errNotInstall = errors.New("templates: a deployment request needs the communications of an install")

// RenderDeployment renders a new deployment's communications as files: the
// deployment request and the calendar of its window. There are no
// announcements: users have nothing of the product yet, so nothing of theirs
// goes offline or changes.
func (s *Set) RenderDeployment(c *Communications) ([]CommunicationFile, error) {
	if !c.Install {
		return nil, errNotInstall
	}
	var req, cal bytes.Buffer
	if err := s.RenderCommunication(&req, DeploymentRequestMarkdown, c, Markdown); err != nil {
		return nil, err
	}
	if err := WriteCalendar(&cal, c); err != nil {
		return nil, err
	}
	return []CommunicationFile{
		{Name: strings.TrimSuffix(DeploymentRequestMarkdown, ".tmpl"), Data: req.Bytes()},
		{Name: CalendarFile, Data: cal.Bytes()},
	}, nil
}
