//! What the Docker host offers, as the preflight saw it ([`HostFacts`]), and GPU
//! capability detected as a pure function of the engine's `/info` JSON and the host's
//! `nvidia-smi -L` text. Asking the engine and running nvidia-smi is `io::docker`'s job.

use serde::{Deserialize, Serialize};

/// The host facts that head every report and are stored in the JSON report (and read back
/// from it by the site's badges and dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HostFacts {
    /// `DOCKER_HOST` as used, or the default socket.
    pub docker_host: String,
    pub engine_version: String,
    pub api_version: String,
    pub os: String,
    pub kernel: String,
    pub cgroup_version: String,
    pub runtimes: Vec<String>,
    pub default_runtime: String,
    pub cdi_devices: Vec<String>,
    /// One line per GPU from `nvidia-smi -L` on the host running verify.
    pub host_gpus: Vec<String>,
    pub gpu: GpuSupport,
}

/// Whether GPU containers can run here, and what said so.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GpuSupport {
    pub available: bool,
    /// The evidence, e.g. `runtime nvidia`, `CDI nvidia.com/gpu=0`, `nvidia-smi: 4 GPUs`.
    pub evidence: Vec<String>,
}

/// Detects GPU support from `/info` (as JSON, API field names) and `nvidia-smi -L` output.
///
/// Evidence: an `nvidia` runtime, a CDI device whose ID starts with `nvidia.com/gpu`, or
/// GPUs listed by nvidia-smi. The runtime or CDI device alone says the engine is set up;
/// nvidia-smi alone says the host has GPUs (dockerd then registers its own `nvidia`
/// device driver for `--gpus` when the toolkit's hook is installed, which `/info` does
/// not show). Any of them counts as available; the evidence list says which.
pub fn detect_gpu(info: &serde_json::Value, nvidia_smi_l: Option<&str>) -> GpuSupport {
    let mut evidence = Vec::new();
    if let Some(rt) = info.get("Runtimes").and_then(|r| r.as_object()) {
        let mut names: Vec<&String> = rt.keys().filter(|k| k.contains("nvidia")).collect();
        names.sort();
        evidence.extend(names.into_iter().map(|n| format!("runtime {n}")));
    }
    for id in cdi_devices(info) {
        if id.starts_with("nvidia.com/gpu") {
            evidence.push(format!("CDI {id}"));
        }
    }
    let gpus = nvidia_smi_l.map(gpu_lines).unwrap_or_default();
    if !gpus.is_empty() {
        evidence.push(format!("nvidia-smi: {} GPU{}", gpus.len(), if gpus.len() == 1 { "" } else { "s" }));
    }
    GpuSupport { available: !evidence.is_empty(), evidence }
}

/// CDI device IDs from `DiscoveredDevices` (API 1.50+).
pub fn cdi_devices(info: &serde_json::Value) -> Vec<String> {
    let list = info.get("DiscoveredDevices").and_then(|d| d.as_array());
    list.into_iter().flatten().filter_map(|d| d.get("ID").and_then(|i| i.as_str()).map(str::to_string)).collect()
}

/// The `GPU n: …` lines of `nvidia-smi -L` (MIG lines, indented, are left out).
pub fn gpu_lines(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.starts_with("GPU ")).map(|l| l.trim().to_string()).collect()
}

/// Runtime names from `/info`, sorted.
pub fn runtimes(info: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = info.get("Runtimes").and_then(|r| r.as_object()).map(|o| o.keys().cloned().collect()).unwrap_or_default();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind_of_evidence() {
        let none = serde_json::json!({"Runtimes": {"runc": {"path": "runc"}}});
        assert_eq!(detect_gpu(&none, None), GpuSupport::default());
        assert!(!detect_gpu(&none, Some("")).available);
        let rt = serde_json::json!({"Runtimes": {"nvidia": {"path": "nvidia-container-runtime"}, "runc": {}}});
        assert_eq!(detect_gpu(&rt, None).evidence, ["runtime nvidia"]);
        let cdi = serde_json::json!({"DiscoveredDevices": [{"Source": "cdi", "ID": "nvidia.com/gpu=0"}, {"Source": "cdi", "ID": "vendor.com/x=1"}]});
        assert_eq!(detect_gpu(&cdi, None).evidence, ["CDI nvidia.com/gpu=0"]);
        let smi = "GPU 0: NVIDIA H100 (UUID: GPU-1)\n  MIG 1g.10gb Device 0: (UUID: MIG-1)\n";
        assert_eq!(detect_gpu(&none, Some(smi)).evidence, ["nvidia-smi: 1 GPU"]);
    }

    /// Recorded hosts; sources in tests/fixtures/gpu/README.md.
    #[test]
    fn recorded_hosts() {
        let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        let here = json(include_str!("../../../tests/fixtures/gpu/no-gpu-docker20.json"));
        assert_eq!(detect_gpu(&here, None), GpuSupport::default());
        assert_eq!(runtimes(&here), ["io.containerd.runc.v2", "io.containerd.runtime.v1.linux", "runc"]);

        let nvidia_rt = json(include_str!("../../../tests/fixtures/gpu/nvidia-runtime-docker20.json"));
        assert_eq!(detect_gpu(&nvidia_rt, None), GpuSupport { available: true, evidence: vec!["runtime nvidia".into()] });

        let smi = include_str!("../../../tests/fixtures/gpu/nvidia-smi-L-4x3090.txt");
        let runc_only = json(include_str!("../../../tests/fixtures/gpu/runc-only-with-toolkit-docker28.json"));
        assert!(!detect_gpu(&runc_only, None).available);
        assert_eq!(detect_gpu(&runc_only, Some(smi)).evidence, ["nvidia-smi: 4 GPUs"]);
        assert_eq!(gpu_lines(smi)[3], "GPU 3: NVIDIA GeForce RTX 3090 (UUID: GPU-2639988f-1756-0583-db8f-faee38effce2)");

        let cdi = json(include_str!("../../../tests/fixtures/gpu/cdi-docker29.json"));
        assert_eq!(
            detect_gpu(&cdi, None).evidence,
            ["CDI nvidia.com/gpu=0", "CDI nvidia.com/gpu=GPU-e1924eea-b9bb-d537-39f2-b345087fa145", "CDI nvidia.com/gpu=all"]
        );
    }
}
