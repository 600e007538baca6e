//go:build tools

// Package tools pins the two control-plane programs that tests run (kube-apiserver and
// etcd) as dependencies of this module, so that go.mod/go.sum fix their exact versions.
// The file is never compiled: build.sh builds the two main packages by import path.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
