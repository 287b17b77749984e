// Package repocheck holds tests of the repository as a whole rather than of
// one package: the dependency rule of the hexagonal layout, and the agreement
// between docker-compose.yml, the local infrastructure scripts and the
// services' configuration, the six modules' agreement on dependency
// versions and the Go toolchain, and the READMEs' links and make targets. It
// has no code of its own; `make lint` runs it.
package repocheck
