{{/* platform.labels: standard labels of every platform resource plus commonLabels. */}}
{{- define "platform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
llm.platform/cloud: {{ .Values.cloud }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* platform.appName: Application (and Helm release) name of a component: its upstream chart name. */}}
{{- define "platform.appName" -}}
{{- .chart | trunc 53 | trimSuffix "-" -}}
{{- end -}}

{{/* platform.validate: refuses values that would deploy a component that silently does nothing. */}}
{{- define "platform.validate" -}}
{{- $ca := .Values.components.clusterAutoscaler -}}
{{- if and $ca.enabled (eq .Values.cloud "aws") -}}
{{- if not (dig "autoDiscovery" "clusterName" "" $ca.values) -}}
{{- fail "components.clusterAutoscaler.values.autoDiscovery.clusterName is required on aws: the EKS cluster name the stack creates (Pulumi passes it); without it the upstream chart renders no Deployment" -}}
{{- end -}}
{{- $arn := dig "rbac" "serviceAccount" "annotations" "eks.amazonaws.com/role-arn" "" $ca.values -}}
{{- if not (regexMatch "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+" $arn) -}}
{{- fail (printf "components.clusterAutoscaler.values.rbac.serviceAccount.annotations.eks.amazonaws.com/role-arn must be the IRSA role ARN the stack creates (output clusterAutoscalerRoleArn; Pulumi passes it), got %q" $arn) -}}
{{- end -}}
{{- if regexMatch ":000000000000:" $arn -}}
{{- fail "components.clusterAutoscaler.values.rbac.serviceAccount.annotations.eks.amazonaws.com/role-arn names the placeholder account 000000000000: pass the stack's clusterAutoscalerRoleArn" -}}
{{- end -}}
{{- end -}}
{{- end -}}
