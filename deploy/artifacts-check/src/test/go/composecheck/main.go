// composecheck loads a Compose file the way `docker compose` does (compose-go: interpolation from an
// env file, then validation against the Compose Specification's JSON schema, then normalisation) and
// prints the resulting project as JSON for deploy/artifacts-check's tests to assert on.
//
//	go run . <compose.yaml> <env-file>
//
// Exit status 1 with the loader's message when the file is invalid.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: composecheck <compose.yaml> <env-file>")
		os.Exit(2)
	}
	file, envFile := os.Args[1], os.Args[2]
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithName("stockflow"),
		cli.WithWorkingDirectory(filepath.Dir(file)),
		// Only the given env file: a developer's shell must not change what is checked.
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(1)
}
