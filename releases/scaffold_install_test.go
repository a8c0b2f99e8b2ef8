package releases

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestNewScaffoldsInstall: the manifest `new` writes gets an install section,
// and its script a placeholder, exactly when the release would otherwise have
// no install procedure; with its placeholders filled in, a new workspace's
// first release validates and composes an install that runs the script.
func TestNewScaffoldsInstall(t *testing.T) {
	fresh := func(testing.TB) fstest.MapFS {
		return fstest.MapFS{ConfigFile: {Data: NewConfigFile("contoso-intranet", "Contoso Intranet", "")}}
	}
	tests := []struct {
		name    string
		fsys    func(testing.TB) fstest.MapFS
		version string
		// script is the install script scaffolded; empty when none is.
		script string
	}{
		{"a new workspace's first release", fresh, "1.0.0", "scripts/Install-ContosoIntranet.ps1"},
		{"a first release after oldestVersion", fresh, "1.2.0", "scripts/Install-ContosoIntranet.ps1"},
		{"below policy.oldestVersion", fresh, "0.9.0", ""},
		{"a release that inherits the install of 4.0.0", exampleFS, "4.4.0", ""},
		{"a patch of a release with an install", exampleFS, "4.0.1", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := tc.fsys(t)
			ws := mustLoad(t, fsys)
			v, _ := ParseVersion(tc.version)
			p, err := ws.Propose(v, NewDate(2026, 12, 1))
			if err != nil {
				t.Fatal(err)
			}
			text := string(ws.NewManifestFile(p, ""))
			scripts := ws.NewScripts(p)
			if tc.script == "" {
				if strings.Contains(text, "\ninstall:") || len(scripts) > 0 {
					t.Fatalf("an install was scaffolded:\n%s\n%v", text, scripts)
				}
				return
			}
			if !strings.Contains(text, "\ninstall:\n") || !strings.Contains(text, "script: "+tc.script+"\n") ||
				len(scripts) != 1 || scripts[0].Path != tc.script {
				t.Fatalf("no install running %s:\n%s\n%v", tc.script, text, scripts)
			}
			body := string(scripts[0].Data)
			if !strings.Contains(body, "[string] $Tenant") || !strings.Contains(body, "throw ('Install-ContosoIntranet.ps1 is a placeholder") {
				t.Errorf("the script placeholder:\n%s", body)
			}
			// Filled in, the release validates and deploys with the script.
			text = strings.ReplaceAll(text, "FILL IN: ", "Done: ")
			text = strings.Replace(text, `title: "Done: what to do, starting with a verb"`, `title: "Restart the service"`, 1)
			fsys[ReleasesDir+"/"+tc.version+".yaml"] = &fstest.MapFile{Data: []byte(text)}
			// The script's placeholder is an error on the script until written.
			fsys[scripts[0].Path] = &fstest.MapFile{Data: scripts[0].Data}
			if d := mustLoad(t, fsys).Validate(); len(d) != 1 || d[0].Code != "AR0108" || d[0].File != scripts[0].Path {
				t.Fatalf("the script's placeholder: %v", d)
			}
			fsys[scripts[0].Path] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(scripts[0].Data), "FILL IN: ", ""))}
			if tc.version != "1.0.0" {
				fsys[ConfigFile] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys[ConfigFile].Data), "oldestVersion: 1.0.0", "oldestVersion: "+tc.version, 1))}
			}
			ws = mustLoad(t, fsys)
			if d := ws.Validate(); len(d) > 0 {
				t.Fatalf("the filled-in release does not validate: %v\n%s", d, text)
			}
			ip, err := ws.InstallPlan(v)
			if err != nil {
				t.Fatal(err)
			}
			var ran []string
			for _, h := range ip.Hops {
				for _, s := range h.Steps {
					ran = append(ran, s.ID+" "+s.Script)
				}
			}
			if got := strings.Join(ran, ", "); got != "deploy-contoso-intranet "+tc.script+", verify-deployment " {
				t.Errorf("the install runs %s", got)
			}
		})
	}
}
