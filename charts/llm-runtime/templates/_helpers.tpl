{{/* llm-runtime.name: the chart name, or nameOverride. */}}
{{- define "llm-runtime.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* llm-runtime.fullname: release-qualified name used for every resource. */}}
{{- define "llm-runtime.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.selectorLabels: the immutable labels that select the pods. */}}
{{- define "llm-runtime.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-runtime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* llm-runtime.labels: standard labels plus the pool (cpu/gpu) and commonLabels. */}}
{{- define "llm-runtime.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "llm-runtime.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: inference
llm.platform/pool: {{ include "llm-runtime.pool" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* llm-runtime.pool: "gpu" or "cpu", from gpu.enabled. */}}
{{- define "llm-runtime.pool" -}}
{{- ternary "gpu" "cpu" .Values.gpu.enabled -}}
{{- end -}}

{{/* llm-runtime.image: `<registry>/<repository>@<digest>` when a digest is set (a pushed image, exactly), else the CPU tag or its CUDA variant (tag + cudaTagSuffix) in GPU mode. */}}
{{- define "llm-runtime.image" -}}
{{- $name := .Values.image.repository -}}
{{- with .Values.image.registry }}{{ $name = printf "%s/%s" . $name }}{{ end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- $tag := .Values.image.tag | toString -}}
{{- if .Values.gpu.enabled -}}{{- $tag = printf "%s%s" $tag .Values.image.cudaTagSuffix -}}{{- end -}}
{{- printf "%s:%s" $name $tag -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.serviceAccountName: the ServiceAccount the pods run as. */}}
{{- define "llm-runtime.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "llm-runtime.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.hmacSecretName: the Secret with the HMAC secret (existing or created); fails when none is configured. */}}
{{- define "llm-runtime.hmacSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else if .Values.auth.secret -}}
{{- printf "%s-hmac" (include "llm-runtime.fullname" .) -}}
{{- else -}}
{{- fail "auth.mode is hmac: set auth.existingSecret (a Secret you manage) or auth.secret (rendered into a Secret)" -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.cacheClaimName: the PVC of the model cache (existing or created). */}}
{{- define "llm-runtime.cacheClaimName" -}}
{{- default (printf "%s-models" (include "llm-runtime.fullname" .)) .Values.modelCache.pvc.existingClaim -}}
{{- end -}}

{{/* llm-runtime.modelPath: absolute path of the model file in the cache volume. */}}
{{- define "llm-runtime.modelPath" -}}
{{- printf "%s/%s" (.Values.modelCache.mountPath | trimSuffix "/") .Values.model.file -}}
{{- end -}}

{{/* llm-runtime.configChecksum: hash of everything that changes the pods' behaviour but not their spec (model, auth). */}}
{{- define "llm-runtime.configChecksum" -}}
{{- $cfg := dict "model" .Values.model "runtime" .Values.runtime "auth" .Values.auth "gpu" .Values.gpu.enabled -}}
{{- toJson $cfg | sha256sum -}}
{{- end -}}

{{/* llm-runtime.routerAuthName: the TriggerAuthentication KEDA uses for the router's /scaling (existing, or rendered from the token Secret). */}}
{{- define "llm-runtime.routerAuthName" -}}
{{- default (printf "%s-router-scaling" (include "llm-runtime.fullname" .)) .Values.autoscaling.keda.router.authenticationRef -}}
{{- end -}}

{{/* llm-runtime.validate: refuses values that would deploy a runtime nobody can reach or a GPU pool that never wakes. */}}
{{- define "llm-runtime.validate" -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) -}}
{{- fail "ingress.host is required when ingress.enabled: the pool's endpoint host the router targets (<pool>.<llm-platform:domain>; the stack passes it)" -}}
{{- end -}}
{{- if and .Values.gpu.enabled .Values.autoscaling.keda.enabled -}}
{{- $r := .Values.autoscaling.keda.router -}}
{{- if not $r.url -}}
{{- fail "autoscaling.keda.router.url is required in GPU mode: the router's public URL KEDA polls for pending demand (llm-platform:routerUrl; the stack passes it)" -}}
{{- end -}}
{{- if not $r.target -}}
{{- fail "autoscaling.keda.router.target is required in GPU mode: this pool's router target name, <cloud>-<clusterName>-gpu as buildRouterConfig names it (the stack passes it)" -}}
{{- end -}}
{{- if and (not $r.authenticationRef) (not $r.tokenSecret.name) -}}
{{- fail "autoscaling.keda.router.tokenSecret.name (or authenticationRef) is required in GPU mode: the router answers /scaling only with its bearer token" -}}
{{- end -}}
{{- end -}}
{{- end -}}
