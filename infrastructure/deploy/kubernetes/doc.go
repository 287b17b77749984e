// Package kubernetes holds the Kubernetes manifests of the system (a
// kustomize base and a production overlay) and the test that renders them
// and checks them against the services' configuration. It has no code of
// its own; `make lint` runs its test.
package kubernetes
