package kubernetes

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/food-ordering-system/common/contract"
	"github.com/food-ordering-system/infrastructure/kafka"
	"github.com/food-ordering-system/infrastructure/postgres"
)

var services = []string{"order-service", "payment-service", "restaurant-service"}

// adminDefaults are the admin addresses the services listen on when their
// config.yaml does not name one.
var adminDefaults = map[string]string{
	"order-service":      "127.0.0.1:9181",
	"payment-service":    "127.0.0.1:9182",
	"restaurant-service": "127.0.0.1:9183",
}

// manifests is one kustomization rendered, each object decoded strictly
// into its type.
type manifests struct {
	configMaps   map[string]*corev1.ConfigMap
	deployments  map[string]*appsv1.Deployment
	jobs         map[string]*batchv1.Job
	services     map[string]*corev1.Service
	pdbs         map[string]*policyv1.PodDisruptionBudget
	hpas         map[string]*autoscalingv2.HorizontalPodAutoscaler
	namespaces   map[string]*corev1.Namespace
	kafkas       map[string]*Kafka
	nodePools    map[string]*KafkaNodePool
	topics       map[string]*KafkaTopic
	users        map[string]*KafkaUser
	clusters     map[string]*Cluster
	namespaceOf  map[string]string // kind/name → metadata.namespace
	objectsCount int
}

// render builds the kustomization in dir as kustomize build (kubectl apply
// -k) would and decodes every object strictly: a field its type does not
// have is an error, as it would be for the API server or the operator.
func render(t *testing.T, dir string) manifests {
	t.Helper()
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	require.NoError(t, err, "kustomize build %s", dir)
	m := manifests{
		configMaps: map[string]*corev1.ConfigMap{}, deployments: map[string]*appsv1.Deployment{}, jobs: map[string]*batchv1.Job{},
		services: map[string]*corev1.Service{}, pdbs: map[string]*policyv1.PodDisruptionBudget{},
		hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{}, namespaces: map[string]*corev1.Namespace{},
		kafkas: map[string]*Kafka{}, nodePools: map[string]*KafkaNodePool{}, topics: map[string]*KafkaTopic{},
		users: map[string]*KafkaUser{}, clusters: map[string]*Cluster{}, namespaceOf: map[string]string{},
	}
	for _, r := range resMap.Resources() {
		doc, err := r.AsYAML()
		require.NoError(t, err)
		gvk := r.GetGvk()
		kind := gvk.Group + "/" + gvk.Version + "/" + gvk.Kind
		name := r.GetName()
		m.namespaceOf[gvk.Kind+"/"+name] = r.GetNamespace()
		m.objectsCount++
		var obj any
		switch kind {
		case "/v1/ConfigMap":
			obj = decode(t, doc, m.configMaps, name)
		case "apps/v1/Deployment":
			obj = decode(t, doc, m.deployments, name)
		case "batch/v1/Job":
			obj = decode(t, doc, m.jobs, name)
		case "/v1/Service":
			obj = decode(t, doc, m.services, name)
		case "policy/v1/PodDisruptionBudget":
			obj = decode(t, doc, m.pdbs, name)
		case "autoscaling/v2/HorizontalPodAutoscaler":
			obj = decode(t, doc, m.hpas, name)
		case "/v1/Namespace":
			obj = decode(t, doc, m.namespaces, name)
		case "kafka.strimzi.io/v1beta2/Kafka":
			obj = decode(t, doc, m.kafkas, name)
		case "kafka.strimzi.io/v1beta2/KafkaNodePool":
			obj = decode(t, doc, m.nodePools, name)
		case "kafka.strimzi.io/v1beta2/KafkaTopic":
			obj = decode(t, doc, m.topics, name)
		case "kafka.strimzi.io/v1beta2/KafkaUser":
			obj = decode(t, doc, m.users, name)
		case "postgresql.cnpg.io/v1/Cluster":
			obj = decode(t, doc, m.clusters, name)
		default:
			t.Fatalf("%s renders %s %s, which this test does not know how to check", dir, kind, name)
		}
		require.NotNil(t, obj)
	}
	return m
}

// decode unmarshals doc strictly into a new T and stores it in into under
// name.
func decode[T any](t *testing.T, doc []byte, into map[string]*T, name string) *T {
	t.Helper()
	obj := new(T)
	if err := sigsyaml.UnmarshalStrict(doc, obj); err != nil {
		t.Fatalf("%T %s: %v\n%s", obj, name, err, doc)
	}
	into[name] = obj
	return obj
}

func repoDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", ".."))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "go.work"))
	require.NoError(t, err, "the repository root holds go.work")
	return dir
}

// serviceConfig is the part of a service's config.yaml the manifests must
// agree with.
type serviceConfig struct {
	HTTP struct {
		Address string `yaml:"address"`
	} `yaml:"http"`
	Admin struct {
		Address string `yaml:"address"`
	} `yaml:"admin"`
	Postgres struct {
		User          string `yaml:"user"`
		MigrationUser string `yaml:"migration_user"`
		Database      string `yaml:"database"`
		Schema        string `yaml:"schema"`
	} `yaml:"postgres"`
	Topics map[string]any `yaml:"topics"`
}

func readConfig(t *testing.T, service string) (serviceConfig, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoDir(t), service, "config.yaml"))
	require.NoError(t, err)
	var cfg serviceConfig
	var tree map[string]any
	require.NoError(t, yaml.Unmarshal(b, &cfg))
	require.NoError(t, yaml.Unmarshal(b, &tree))
	if cfg.Admin.Address == "" {
		cfg.Admin.Address = adminDefaults[service]
	}
	return cfg, tree
}

func port(t *testing.T, address string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(address)
	require.NoError(t, err, address)
	n, err := strconv.ParseInt(p, 10, 32)
	require.NoError(t, err, address)
	return int32(n)
}

// envName is viper's environment variable for key of service:
// ORDER_SERVICE_ + the key path in upper case with "_" for ".".
func envName(service, key string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_")) + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// configKeys returns the environment variable of every configuration key of
// service: the keys of its config.yaml, the admin listener's, and those of
// the shared kafka and postgres sections, which the structs read whether or
// not config.yaml lists them.
func configKeys(t *testing.T, service string, tree map[string]any) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	var walk func(path string, node any)
	walk = func(path string, node any) {
		m, ok := node.(map[string]any)
		if !ok {
			keys[envName(service, path)] = true
			return
		}
		for k, v := range m {
			if path != "" {
				k = path + "." + k
			}
			walk(k, v)
		}
	}
	walk("", tree)
	for _, key := range []string{"admin.address", "admin.pprof"} {
		keys[envName(service, key)] = true
	}
	structKeys(reflect.TypeFor[kafka.Config](), "kafka", func(key string) { keys[envName(service, key)] = true })
	structKeys(reflect.TypeFor[postgres.Config](), "postgres", func(key string) { keys[envName(service, key)] = true })
	return keys
}

// structKeys calls add with the key path of every leaf field of t, by its
// mapstructure tags.
func structKeys(t reflect.Type, prefix string, add func(string)) {
	for f := range t.Fields() {
		tag := strings.Split(f.Tag.Get("mapstructure"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && f.Type.String() != "time.Duration" {
			structKeys(f.Type, prefix+"."+tag, add)
			continue
		}
		add(prefix + "." + tag)
	}
}

func TestManifestsRenderAndDecodeStrictly(t *testing.T) {
	for _, dir := range []string{"base", "production"} {
		t.Run(dir, func(t *testing.T) {
			m := render(t, dir)
			// Three services × six objects, Kafka, its pool, eight topics,
			// three users, the database.
			require.GreaterOrEqual(t, m.objectsCount, 32)
			checkServices(t, m)
			checkMigrationJobs(t, m)
			checkKafka(t, m)
			checkPostgres(t, m)
		})
	}
}

func TestProductionOverlay(t *testing.T) {
	m := render(t, "production")
	require.Contains(t, m.namespaces, "food-ordering")
	for key, ns := range m.namespaceOf {
		if !strings.HasPrefix(key, "Namespace/") {
			require.Equal(t, "food-ordering", ns, "%s is not in the production namespace", key)
		}
	}
	for _, service := range services {
		image := m.deployments[service].Spec.Template.Spec.Containers[0].Image
		require.Regexp(t, `^[a-z0-9.-]+/.+/`+service+`:\d+\.\d+\.\d+$`, image, "production runs a released image from a registry")
		require.Equal(t, image, m.jobs[service+"-migrate"].Spec.Template.Spec.Containers[0].Image,
			"%s is migrated by the release it runs", service)
	}
	require.Equal(t, "restricted", m.namespaces["food-ordering"].Labels["pod-security.kubernetes.io/enforce"])
}

func checkServices(t *testing.T, m manifests) {
	for _, service := range services {
		cfg, tree := readConfig(t, service)
		keys := configKeys(t, service, tree)
		httpPort, adminPort := port(t, cfg.HTTP.Address), port(t, cfg.Admin.Address)

		d := m.deployments[service]
		require.NotNil(t, d, "no Deployment %s", service)
		pod := d.Spec.Template.Spec
		require.Len(t, pod.Containers, 1)
		c := pod.Containers[0]

		// Ports as config.yaml gives them, and the ConfigMap listens there.
		ports := map[string]int32{}
		for _, p := range c.Ports {
			ports[p.Name] = p.ContainerPort
		}
		require.Equal(t, map[string]int32{"http": httpPort, "admin": adminPort}, ports, "%s container ports", service)
		cm := m.configMaps[service]
		require.NotNil(t, cm, "no ConfigMap %s", service)
		require.Equal(t, httpPort, port(t, cm.Data[envName(service, "http.address")]), "%s http.address", service)
		require.Equal(t, adminPort, port(t, cm.Data[envName(service, "admin.address")]), "%s admin.address", service)
		host, _, _ := net.SplitHostPort(cm.Data[envName(service, "admin.address")])
		require.Empty(t, host, "%s: the kubelet probes the pod's address, not loopback", service)

		// Probes on the admin port, at paths the admin listener serves.
		for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
			require.NotNil(t, probe, "%s has no %s probe", service, name)
			require.NotNil(t, probe.HTTPGet, "%s %s probe", service, name)
			require.Equal(t, "admin", probe.HTTPGet.Port.String(), "%s %s probe must ask the admin port", service, name)
			want := "/healthz"
			if name == "readiness" {
				want = "/readyz"
			}
			require.Equal(t, want, probe.HTTPGet.Path, "%s %s probe", service, name)
			requireServed(t, want)
		}

		// Every variable set is a configuration key of the service (a
		// secret may come as <key>_FILE), and every file it names is
		// mounted.
		envFromCM := false
		for _, from := range c.EnvFrom {
			require.NotNil(t, from.ConfigMapRef, "%s envFrom", service)
			require.Contains(t, m.configMaps, from.ConfigMapRef.Name, "%s reads a ConfigMap that is not rendered", service)
			envFromCM = envFromCM || from.ConfigMapRef.Name == service
		}
		require.True(t, envFromCM, "%s does not read its ConfigMap", service)
		vars := map[string]string{}
		for k, v := range cm.Data {
			vars[k] = v
		}
		for _, e := range c.Env {
			require.Nil(t, e.ValueFrom, "%s %s: secrets come as files (<key>_FILE)", service, e.Name)
			vars[e.Name] = e.Value
		}
		for name, value := range vars {
			require.True(t, keys[name] || keys[strings.TrimSuffix(name, "_FILE")],
				"%s sets %s, which is no configuration key of the service", service, name)
			if strings.HasSuffix(name, "_FILE") {
				requireMounted(t, service, pod, c, value)
			}
		}
		for _, secret := range []string{"POSTGRES_PASSWORD", "KAFKA_SASL_PASSWORD"} {
			require.Contains(t, vars, envName(service, strings.ToLower(secret))+"_FILE", "%s does not read its %s from a Secret", service, secret)
		}
		require.Equal(t, cfg.Postgres.User, vars[envName(service, "postgres.user")], "%s connects as the runtime role of config.yaml", service)
		// Migrations are the Job's: the service checks the schema's
		// version and holds no migration credential.
		require.Equal(t, "false", vars[envName(service, "postgres.migrate")], "%s runs with migrations off", service)
		for _, key := range []string{"postgres.migration_user", "postgres.migration_password"} {
			require.NotContains(t, vars, envName(service, key), "%s: the Deployment is given no migration role", service)
			require.NotContains(t, vars, envName(service, key)+"_FILE", "%s: the Deployment is given no migration role", service)
		}
		for _, v := range pod.Volumes {
			require.False(t, v.Secret != nil && strings.HasSuffix(v.Secret.SecretName, "-migrator"),
				"%s mounts %s, a migration role's password", service, v.Name)
		}

		// Hardened: non-root, read-only root, no privilege escalation, no
		// capabilities, resources declared.
		require.NotNil(t, pod.SecurityContext)
		require.True(t, *pod.SecurityContext.RunAsNonRoot, "%s runAsNonRoot", service)
		require.NotNil(t, c.SecurityContext)
		require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s readOnlyRootFilesystem", service)
		require.False(t, *c.SecurityContext.AllowPrivilegeEscalation, "%s allowPrivilegeEscalation", service)
		require.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop, "%s drops every capability", service)
		require.False(t, *pod.AutomountServiceAccountToken, "%s has no use for the API server's token", service)
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			require.Contains(t, c.Resources.Requests, r, "%s requests %s", service, r)
		}
		require.Contains(t, c.Resources.Limits, corev1.ResourceMemory, "%s limits its memory", service)

		// The Service publishes the API port only.
		svc := m.services[service]
		require.NotNil(t, svc, "no Service %s", service)
		require.Len(t, svc.Spec.Ports, 1, "%s Service: the admin port stays out", service)
		require.Equal(t, httpPort, svc.Spec.Ports[0].Port)
		require.Equal(t, "http", svc.Spec.Ports[0].TargetPort.String())
		require.Equal(t, d.Spec.Selector.MatchLabels, svc.Spec.Selector)
		require.Equal(t, d.Spec.Selector.MatchLabels, d.Spec.Template.Labels)

		// A disruption leaves a pod serving; the autoscaler keeps more than
		// the budget needs and no more than the partitions can feed.
		pdb := m.pdbs[service]
		require.NotNil(t, pdb, "no PodDisruptionBudget %s", service)
		require.Equal(t, d.Spec.Selector.MatchLabels, pdb.Spec.Selector.MatchLabels)
		require.GreaterOrEqual(t, pdb.Spec.MinAvailable.IntValue(), 1)
		hpa := m.hpas[service]
		require.NotNil(t, hpa, "no HorizontalPodAutoscaler %s", service)
		require.Equal(t, autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: service}, hpa.Spec.ScaleTargetRef)
		require.Greater(t, *hpa.Spec.MinReplicas, int32(pdb.Spec.MinAvailable.IntValue()), "%s: a drain must not stop the last pod", service)
		require.LessOrEqual(t, hpa.Spec.MaxReplicas, partitions(t, tree), "%s: more pods than partitions sit idle", service)
	}
}

// checkMigrationJobs checks each service's migration Job: the service's
// image and settings, -migrate, the migration role's credentials from its
// Secret, none of the runtime role's, hardened like the Deployment, and a
// pod no selector of the service's picks up.
func checkMigrationJobs(t *testing.T, m manifests) {
	for _, service := range services {
		cfg, tree := readConfig(t, service)
		keys := configKeys(t, service, tree)
		job := m.jobs[service+"-migrate"]
		require.NotNil(t, job, "no Job %s-migrate", service)
		d := m.deployments[service]
		pod := job.Spec.Template.Spec
		require.Len(t, pod.Containers, 1)
		c := pod.Containers[0]
		served := d.Spec.Template.Spec.Containers[0]
		require.Equal(t, served.Image, c.Image, "%s: the Job runs the Deployment's image", service)
		require.Equal(t, append(slices.Clone(served.Args), "-migrate"), c.Args, "%s: the Job runs the binary with -migrate", service)
		require.Contains(t, []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}, pod.RestartPolicy)
		require.NotNil(t, job.Spec.BackoffLimit, "%s: a failing migration is retried a bounded number of times", service)
		require.NotNil(t, job.Spec.ActiveDeadlineSeconds, "%s: a hung migration ends", service)

		require.Len(t, c.EnvFrom, 1)
		require.Equal(t, service, c.EnvFrom[0].ConfigMapRef.Name, "%s: the Job reads the service's settings", service)
		vars := map[string]string{}
		for k, v := range m.configMaps[service].Data {
			vars[k] = v
		}
		for _, e := range c.Env {
			require.Nil(t, e.ValueFrom, "%s %s: secrets come as files (<key>_FILE)", service, e.Name)
			vars[e.Name] = e.Value
		}
		for name := range vars {
			require.True(t, keys[name] || keys[strings.TrimSuffix(name, "_FILE")],
				"%s Job sets %s, which is no configuration key of the service", service, name)
		}
		// The files -migrate reads: the secrets its own variables name (the
		// ConfigMap's Kafka CA file is a setting it does not open).
		for _, e := range c.Env {
			if strings.HasSuffix(e.Name, "_FILE") {
				requireMounted(t, service+"-migrate", pod, c, e.Value)
			}
		}
		require.Equal(t, cfg.Postgres.MigrationUser, vars[envName(service, "postgres.migration_user")],
			"%s: the Job migrates as the migration role of config.yaml", service)
		require.NotEqual(t, vars[envName(service, "postgres.user")], vars[envName(service, "postgres.migration_user")])
		require.Contains(t, vars, envName(service, "postgres.migration_password")+"_FILE", "%s: the migration password from a Secret", service)
		require.NotContains(t, vars, envName(service, "postgres.password")+"_FILE", "%s: the Job is given no runtime password", service)
		require.NotContains(t, vars, envName(service, "kafka.sasl.password")+"_FILE", "%s: the Job is given no broker password", service)

		require.NotNil(t, pod.SecurityContext)
		require.True(t, *pod.SecurityContext.RunAsNonRoot, "%s Job runAsNonRoot", service)
		require.False(t, *pod.AutomountServiceAccountToken, "%s Job has no use for the API server's token", service)
		require.NotNil(t, c.SecurityContext)
		require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s Job readOnlyRootFilesystem", service)
		require.False(t, *c.SecurityContext.AllowPrivilegeEscalation, "%s Job allowPrivilegeEscalation", service)
		require.Equal(t, []corev1.Capability{"ALL"}, c.SecurityContext.Capabilities.Drop, "%s Job drops every capability", service)
		require.Contains(t, c.Resources.Limits, corev1.ResourceMemory, "%s Job limits its memory", service)

		for k, v := range d.Spec.Selector.MatchLabels {
			require.NotEqual(t, v, job.Spec.Template.Labels[k], "%s: the Deployment's selector (its Service, budget) must not pick the Job's pod", service)
		}
	}
}

// requireServed fails unless the shared HTTP server code serves path.
func requireServed(t *testing.T, path string) {
	t.Helper()
	dir := filepath.Join(repoDir(t), "infrastructure", "httpserver")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		if regexp.MustCompile(`"(GET )?` + regexp.QuoteMeta(path) + `"`).Match(b) {
			return
		}
	}
	t.Fatalf("no route %s in infrastructure/httpserver", path)
}

// requireMounted fails unless file is in a volume mounted into c whose
// Secret gives that file.
func requireMounted(t *testing.T, service string, pod corev1.PodSpec, c corev1.Container, file string) {
	t.Helper()
	for _, vm := range c.VolumeMounts {
		if filepath.Dir(file) != vm.MountPath {
			continue
		}
		for _, v := range pod.Volumes {
			if v.Name != vm.Name || v.Secret == nil {
				continue
			}
			for _, item := range v.Secret.Items {
				if item.Path == filepath.Base(file) {
					return
				}
			}
		}
	}
	t.Fatalf("%s reads %s, which no Secret volume mounts", service, file)
}

func partitions(t *testing.T, tree map[string]any) int32 {
	t.Helper()
	topics, _ := tree["topics"].(map[string]any)
	n, ok := topics["partitions"].(int)
	require.True(t, ok, "config.yaml topics.partitions")
	return int32(n)
}

func checkKafka(t *testing.T, m manifests) {
	require.Len(t, m.kafkas, 1)
	var k *Kafka
	for _, k = range m.kafkas {
	}
	require.Equal(t, "enabled", k.Metadata.Annotations["strimzi.io/kraft"])
	require.Equal(t, "enabled", k.Metadata.Annotations["strimzi.io/node-pools"])
	config := k.Spec.Kafka.Config
	require.EqualValues(t, 3, config["default.replication.factor"])
	require.EqualValues(t, 2, config["min.insync.replicas"])
	require.EqualValues(t, false, config["auto.create.topics.enable"], "topics are declared, not created by a typo")
	require.NotNil(t, k.Spec.EntityOperator.TopicOperator)
	require.NotNil(t, k.Spec.EntityOperator.UserOperator)
	require.Len(t, k.Spec.Kafka.Listeners, 1)
	listener := k.Spec.Kafka.Listeners[0]
	require.True(t, listener.TLS)
	require.Equal(t, "scram-sha-512", listener.Authentication.Type)

	brokers := int32(0)
	for _, pool := range m.nodePools {
		require.Equal(t, k.Metadata.Name, pool.Metadata.Labels["strimzi.io/cluster"])
		require.ElementsMatch(t, []string{"controller", "broker"}, pool.Spec.Roles, "KRaft: the nodes are controllers and brokers")
		brokers += pool.Spec.Replicas
	}
	require.Equal(t, int32(3), brokers, "three brokers")

	// Every contract topic and its dead-letter topic, 3 partitions, 3
	// replicas, written to two.
	var want []string
	for _, topic := range contract.Topics {
		want = append(want, topic, topic+kafka.DeadLetterSuffix)
	}
	var got []string
	for name, topic := range m.topics {
		got = append(got, topic.Spec.TopicName)
		require.Equal(t, k.Metadata.Name, topic.Metadata.Labels["strimzi.io/cluster"], name)
		require.Equal(t, int32(3), topic.Spec.Partitions, name)
		require.Equal(t, int32(3), topic.Spec.Replicas, name)
		require.EqualValues(t, 2, topic.Spec.Config["min.insync.replicas"], name)
	}
	require.ElementsMatch(t, want, got)

	bootstrap := fmt.Sprintf("%s-kafka-bootstrap:%d", k.Metadata.Name, listener.Port)
	for _, service := range services {
		_, tree := readConfig(t, service)
		cm := m.configMaps[service].Data
		require.Equal(t, bootstrap, cm[envName(service, "kafka.brokers")], "%s brokers", service)
		require.Equal(t, "true", cm[envName(service, "kafka.tls.enabled")])
		require.Equal(t, "SCRAM-SHA-512", cm[envName(service, "kafka.sasl.mechanism")])
		require.Equal(t, "3", cm[envName(service, "topics.replication_factor")])

		// The service's user exists, and its ACLs cover the topics its
		// config.yaml names.
		user := m.users[cm[envName(service, "kafka.sasl.user")]]
		require.NotNil(t, user, "%s: no KafkaUser %s", service, cm[envName(service, "kafka.sasl.user")])
		require.Equal(t, "scram-sha-512", user.Spec.Authentication.Type)
		allowed := map[string]bool{}
		for _, acl := range user.Spec.Authorization.ACLs {
			if acl.Resource.Type == "topic" {
				allowed[acl.Resource.Name] = true
			}
		}
		topics, _ := tree["topics"].(map[string]any)
		for key, v := range topics {
			if name, ok := v.(string); ok {
				require.Contains(t, want, name, "%s topics.%s is no contract topic", service, key)
				require.True(t, allowed[name] && allowed[name+kafka.DeadLetterSuffix], "%s's KafkaUser has no ACL on %s", service, name)
			}
		}
	}
}

func checkPostgres(t *testing.T, m manifests) {
	require.Len(t, m.clusters, 1)
	var db *Cluster
	for _, db = range m.clusters {
	}
	require.Equal(t, 2, db.Spec.Instances, "a primary and a standby")
	require.Regexp(t, `:15\.\d+$`, db.Spec.ImageName, "PostgreSQL 15, as compose and the local scripts")
	roles := map[string]string{}
	for _, r := range db.Spec.Managed.Roles {
		require.True(t, r.Login, r.Name)
		roles[r.Name] = r.PasswordSecret.Name
	}
	for _, service := range services {
		cfg, _ := readConfig(t, service)
		require.Equal(t, cfg.Postgres.Database, db.Spec.Bootstrap.InitDB.Database, service)
		require.Equal(t, db.Metadata.Name+"-rw", m.configMaps[service].Data[envName(service, "postgres.host")], "%s connects to the primary", service)
		secret, ok := roles[cfg.Postgres.User]
		require.True(t, ok, "no managed role %s for %s", cfg.Postgres.User, service)
		var mounted bool
		for _, v := range m.deployments[service].Spec.Template.Spec.Volumes {
			mounted = mounted || (v.Secret != nil && v.Secret.SecretName == secret)
		}
		require.True(t, mounted, "%s does not mount %s, its role's password", service, secret)

		// The migration role logs in with the Secret its Job mounts.
		migrationSecret, ok := roles[cfg.Postgres.MigrationUser]
		require.True(t, ok, "no managed role %s for %s", cfg.Postgres.MigrationUser, service)
		mounted = false
		for _, v := range m.jobs[service+"-migrate"].Spec.Template.Spec.Volumes {
			mounted = mounted || (v.Secret != nil && v.Secret.SecretName == migrationSecret)
		}
		require.True(t, mounted, "%s-migrate does not mount %s, its role's password", service, migrationSecret)

		// The schema belongs to the migration role; the runtime role may
		// connect, use the schema and change the rows of its tables.
		schema := postgres.QuoteIdent(cfg.Postgres.Schema)
		for _, want := range []string{
			"GRANT CONNECT ON DATABASE " + cfg.Postgres.Database + " TO " + cfg.Postgres.User + ", " + cfg.Postgres.MigrationUser,
			"CREATE SCHEMA " + schema + " AUTHORIZATION " + cfg.Postgres.MigrationUser,
			"GRANT USAGE ON SCHEMA " + schema + " TO " + cfg.Postgres.User,
			"ALTER DEFAULT PRIVILEGES FOR ROLE " + cfg.Postgres.MigrationUser + " IN SCHEMA " + schema +
				" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + cfg.Postgres.User,
			"ALTER ROLE " + cfg.Postgres.User + " IN DATABASE " + cfg.Postgres.Database + " SET statement_timeout",
			"ALTER ROLE " + cfg.Postgres.User + " IN DATABASE " + cfg.Postgres.Database + " SET lock_timeout",
		} {
			require.True(t, slices.ContainsFunc(db.Spec.Bootstrap.InitDB.PostInitApplicationSQL, func(s string) bool {
				return strings.HasPrefix(s, want)
			}), "%s: the database's set-up has no %q", service, want)
		}
	}
	// Nobody but the owner may create in the database: no grant of CREATE
	// (or ALL, which includes it) on the database or a schema.
	createGrant := regexp.MustCompile(`(?i)^GRANT\b.*\b(CREATE|ALL)\b.*\bON\s+(DATABASE|SCHEMA)\b`)
	for _, stmt := range db.Spec.Bootstrap.InitDB.PostInitApplicationSQL {
		require.False(t, createGrant.MatchString(stmt), "the database's set-up grants CREATE: %s", stmt)
	}
}

// The deployment README names every Secret the manifests read that no
// operator creates, so that an operator knows what to create.
func TestReadmeNamesTheSecretsToCreate(t *testing.T) {
	m := render(t, "production")
	readme, err := os.ReadFile(filepath.Join(repoDir(t), "infrastructure", "deploy", "README.md"))
	require.NoError(t, err)
	created := map[string]bool{}
	for name := range m.users {
		created[name] = true // the User Operator's
	}
	for name := range m.kafkas {
		created[name+"-cluster-ca-cert"] = true // the Cluster Operator's
	}
	needed := map[string]bool{}
	for _, db := range m.clusters {
		needed[db.Spec.Bootstrap.InitDB.Secret.Name] = true
		for _, r := range db.Spec.Managed.Roles {
			needed[r.PasswordSecret.Name] = true
		}
	}
	pods := []corev1.PodSpec{}
	for _, d := range m.deployments {
		pods = append(pods, d.Spec.Template.Spec)
	}
	for _, j := range m.jobs {
		pods = append(pods, j.Spec.Template.Spec)
	}
	for _, pod := range pods {
		for _, v := range pod.Volumes {
			if v.Secret != nil && !created[v.Secret.SecretName] {
				needed[v.Secret.SecretName] = true
			}
		}
	}
	require.NotEmpty(t, needed)
	for name := range needed {
		require.Contains(t, string(readme), "`"+name+"`", "infrastructure/deploy/README.md does not say to create the Secret %s", name)
	}
}
