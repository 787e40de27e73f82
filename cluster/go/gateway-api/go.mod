// Wrapper module: pins the Gateway API release whose CRDs (config/crd/standard) the local test cluster installs.
// Nothing is compiled from it; cluster/gateway/build.sh copies the YAML from the module cache.
module preview-cluster/gateway-api

go 1.26.0

require sigs.k8s.io/gateway-api v1.6.3
