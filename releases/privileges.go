package releases

import (
	_ "embed"
	"sync"
)

// PrivilegedOperation is something a runbook step can do that only some Entra ID
// roles are allowed to do.
type PrivilegedOperation struct {
	Loc `json:"-"`
	// ID is how steps name the operation in grants.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Description says what the operation is.
	Description string `json:"description" jsonschema:"required,minLength=1"`
	// EntraRoles can perform the operation, least privileged first.
	EntraRoles []string `json:"entraRoles" jsonschema:"required,minItems=1"`
	// Source is the Microsoft documentation the entry follows.
	Source string `json:"source" jsonschema:"required,format=uri"`
}

// PrivilegeTable is the dated table of privileged operations.
type PrivilegeTable struct {
	Loc `json:"-"`
	// Checked is when every source was last checked.
	Checked Date `json:"checked" jsonschema:"required"`
	// Operations are the privileged operations.
	Operations []PrivilegedOperation `json:"operations" jsonschema:"required,minItems=1"`
}

//go:embed privileges.yaml
var privilegesYAML []byte

// Privileges returns the table of privileged operations shipped with this build.
var Privileges = sync.OnceValue(func() *PrivilegeTable {
	var t PrivilegeTable
	var diags Diagnostics
	if !decodeFile("privileges.yaml", privilegesYAML, &t, &diags) {
		panic("releases: the built-in privileges.yaml is invalid: " + diags[0].String())
	}
	return &t
})

// Operation returns the privileged operation with the given id, or nil.
func (t *PrivilegeTable) Operation(id string) *PrivilegedOperation {
	for i := range t.Operations {
		if t.Operations[i].ID == id {
			return &t.Operations[i]
		}
	}
	return nil
}
