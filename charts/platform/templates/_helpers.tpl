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
