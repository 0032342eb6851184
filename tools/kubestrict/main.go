// kubestrict: an offline check that rendered manifests are valid Kubernetes
// objects of the kinds the chart makes.  Each YAML document is decoded into
// the typed Go struct of its apiVersion/kind from k8s.io/api with strict
// decoding: an unknown field, a wrong type or an unknown kind fails.  A
// build tool for the chart tests (Go is used for tools only); it needs no
// cluster and no downloaded schemas.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func target(apiVersion, kind string) any {
	switch apiVersion + "/" + kind {
	case "batch/v1/CronJob":
		return &batchv1.CronJob{}
	case "batch/v1/Job":
		return &batchv1.Job{}
	case "v1/Pod":
		return &corev1.Pod{}
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}
	case "v1/Secret":
		return &corev1.Secret{}
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}
	}
	return nil
}

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubestrict:", err)
		os.Exit(2)
	}
	failed, seen := 0, 0
	for i, doc := range bytes.Split(in, []byte("\n---")) {
		if len(strings.TrimSpace(string(doc))) == 0 {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil || head.Kind == "" {
			if strings.TrimSpace(strings.TrimPrefix(string(doc), "#")) == "" {
				continue
			}
			fmt.Fprintf(os.Stderr, "document %d: not a Kubernetes object: %v\n", i, err)
			failed++
			continue
		}
		obj := target(head.APIVersion, head.Kind)
		if obj == nil {
			fmt.Fprintf(os.Stderr, "%s %s: kind not known to kubestrict\n", head.Kind, head.Metadata.Name)
			failed++
			continue
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			fmt.Fprintf(os.Stderr, "%s %s: %v\n", head.Kind, head.Metadata.Name, err)
			failed++
			continue
		}
		if head.Metadata.Name == "" {
			fmt.Fprintf(os.Stderr, "%s: no metadata.name\n", head.Kind)
			failed++
		}
		seen++
	}
	fmt.Printf("kubestrict: %d objects valid, %d invalid\n", seen, failed)
	if failed > 0 || seen == 0 {
		os.Exit(1)
	}
}
