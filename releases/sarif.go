package releases

import (
	"bufio"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// WriteGitHubAnnotations writes the diagnostics as GitHub Actions workflow
// commands (::error file=…,line=…,col=…,title=CODE::message, ::warning for
// warnings), so that a pull request shows each problem on the line it
// concerns. Files are relative to the workspace, which GitHub resolves against
// the checkout: run it from the repository root's workspace.
func WriteGitHubAnnotations(w io.Writer, diags Diagnostics) error {
	bw := bufio.NewWriter(w)
	for _, d := range diags {
		bw.WriteString("::")
		bw.WriteString(string(d.Severity))
		bw.WriteString(" ")
		if d.File != "" {
			bw.WriteString("file=" + escapeGitHubProperty(d.File) + ",")
		}
		bw.WriteString("line=" + strconv.Itoa(max(d.Line, 1)) + ",col=" + strconv.Itoa(max(d.Col, 1)))
		bw.WriteString(",title=" + escapeGitHubProperty(d.Code))
		bw.WriteString("::")
		bw.WriteString(escapeGitHubData(d.Message))
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// escapeGitHubData escapes a workflow command's message the way the Actions
// runner unescapes it: % first, so that the escapes themselves survive.
func escapeGitHubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeGitHubProperty escapes a property value, which also ends at , and is
// separated from the message by ::.
func escapeGitHubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// SARIFLog is a SARIF 2.1.0 log (the OASIS Static Analysis Results Interchange
// Format) holding one run: the format code-scanning services read.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is one run of the validator: the tool with its rules, and the results.
type SARIFRun struct {
	Tool    SARIFTool     `json:"tool"`
	Results []SARIFResult `json:"results"`
}

// SARIFTool names the tool and lists every rule it may report.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is the tool's main component.
type SARIFDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFRule describes one validation rule.
type SARIFRule struct {
	ID                   string             `json:"id"`
	ShortDescription     SARIFMessage       `json:"shortDescription"`
	Help                 SARIFMessage       `json:"help"`
	DefaultConfiguration SARIFConfiguration `json:"defaultConfiguration"`
}

// SARIFConfiguration is a rule's default level.
type SARIFConfiguration struct {
	Level string `json:"level"`
}

// SARIFMessage is a plain-text message.
type SARIFMessage struct {
	Text string `json:"text"`
}

// SARIFResult is one diagnostic.
type SARIFResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   SARIFMessage    `json:"message"`
	Locations []SARIFLocation `json:"locations,omitempty"`
}

// SARIFLocation is where a result is.
type SARIFLocation struct {
	PhysicalLocation SARIFPhysicalLocation `json:"physicalLocation"`
}

// SARIFPhysicalLocation is a file and a place in it.
type SARIFPhysicalLocation struct {
	ArtifactLocation SARIFArtifactLocation `json:"artifactLocation"`
	Region           SARIFRegion           `json:"region"`
}

// SARIFArtifactLocation is a file, as a URI relative to a base id.
type SARIFArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// SARIFRegion is a line and a column, both from 1.
type SARIFRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

// sarifRoot is the base id result URIs are relative to: the conventional name
// of the analysed tree's root, here the workspace.
const sarifRoot = "%SRCROOT%"

// SARIF returns the diagnostics as a SARIF 2.1.0 log of the tool with this
// version, listing every rule of Rules, so that code-scanning services can
// show each rule's help.
func SARIF(diags Diagnostics, toolVersion string) SARIFLog {
	rules := make([]SARIFRule, len(Rules))
	index := make(map[string]int, len(Rules))
	for i, r := range Rules {
		index[r.Code] = i
		rules[i] = SARIFRule{
			ID:                   r.Code,
			ShortDescription:     SARIFMessage{Text: r.Summary},
			Help:                 SARIFMessage{Text: r.Help},
			DefaultConfiguration: SARIFConfiguration{Level: string(r.Severity)},
		}
	}
	results := make([]SARIFResult, 0, len(diags))
	for _, d := range diags {
		res := SARIFResult{
			RuleID:    d.Code,
			RuleIndex: index[d.Code],
			Level:     string(d.Severity),
			Message:   SARIFMessage{Text: d.Message},
		}
		if d.File != "" {
			res.Locations = []SARIFLocation{{PhysicalLocation: SARIFPhysicalLocation{
				ArtifactLocation: SARIFArtifactLocation{URI: relativeURI(d.File), URIBaseID: sarifRoot},
				Region:           SARIFRegion{StartLine: max(d.Line, 1), StartColumn: max(d.Col, 1)},
			}}}
		}
		results = append(results, res)
	}
	return SARIFLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []SARIFRun{{
			Tool: SARIFTool{Driver: SARIFDriver{
				Name:    "atlas-release",
				Version: toolVersion,
				Rules:   rules,
			}},
			Results: results,
		}},
	}
}

// relativeURI turns a workspace path (forward slashes) into a relative URI
// reference: spaces, % and # are escaped, and a first segment with a colon
// is kept from reading as a scheme.
func relativeURI(file string) string {
	return (&url.URL{Path: file}).String()
}
