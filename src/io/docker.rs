//! The Docker engine behind a synchronous facade: the only async code in cookbook. It owns
//! a current-thread tokio runtime and offers plain functions: connect, preflight into
//! [`HostFacts`], list and remove containers/networks/volumes, import a rootfs as an image.
//! What to remove and what counts as a GPU are decided in `core::verify`.
//!
//! bollard 0.21 sends unversioned URLs (its issue #736), so the daemon answers at its own
//! API version; every field read here is optional for that reason.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use bollard::query_parameters::{
    CreateImageOptionsBuilder, ListContainersOptionsBuilder, ListImagesOptionsBuilder, ListNetworksOptionsBuilder,
    ListVolumesOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder, RemoveVolumeOptionsBuilder,
    TagImageOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt;

use crate::core::verify::host::{self, HostFacts};
use crate::core::verify::ledger::{Image, Kind, Resource};

#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("cannot connect to the Docker engine at {host}: {message}")]
    Connect { host: String, message: String },
    #[error("Docker engine at {host}: {what} failed: {message}")]
    Call { host: String, what: &'static str, message: String },
}

/// A connection to one engine, usable from any thread (calls are serialised on the
/// facade's own runtime).
pub struct Engine {
    rt: tokio::runtime::Runtime,
    docker: Docker,
    host: String,
    lock: std::sync::Mutex<()>,
}

impl Engine {
    /// Connects as the docker CLI does: `DOCKER_HOST` (unix://, tcp://, http://) or the
    /// local socket. Docker CLI contexts are not read (bollard has no support for them).
    /// Nothing is sent until [`Engine::preflight`].
    pub fn connect() -> Result<Engine, DockerError> {
        let host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "unix:///var/run/docker.sock".into());
        // bollard is built without its `ssl` feature: a TLS engine would get plain HTTP and
        // answer with a confusing error, so say what is missing instead.
        let tls = std::env::var("DOCKER_TLS_VERIFY").is_ok_and(|v| !v.is_empty() && v != "0");
        if tls || host.starts_with("https://") {
            return Err(DockerError::Connect {
                host,
                message: "TLS engines (DOCKER_TLS_VERIFY, https://) are not supported by this build; \
                          reach the engine through its unix socket or an SSH tunnel to it"
                    .into(),
            });
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DockerError::Connect { host: host.clone(), message: e.to_string() })?;
        // bollard's connect_* build a hyper client that needs the runtime's context.
        let docker = {
            let _guard = rt.enter();
            Docker::connect_with_defaults()
                .map_err(|e| DockerError::Connect { host: host.clone(), message: e.to_string() })?
                .with_timeout(Duration::from_secs(60))
        };
        Ok(Engine { rt, docker, host, lock: std::sync::Mutex::new(()) })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        let _one_at_a_time = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.rt.block_on(f)
    }

    fn call_err(&self, what: &'static str) -> impl Fn(bollard::errors::Error) -> DockerError + '_ {
        move |e| DockerError::Call { host: self.host.clone(), what, message: e.to_string() }
    }

    /// Ping, version and info, plus `nvidia-smi -L` on this machine, into host facts.
    pub fn preflight(&self) -> Result<HostFacts, DockerError> {
        let (version, info) = self.block_on(async {
            match tokio::time::timeout(Duration::from_secs(10), self.docker.ping()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(DockerError::Connect { host: self.host.clone(), message: e.to_string() }),
                Err(_) => return Err(DockerError::Connect { host: self.host.clone(), message: "no answer within 10s".into() }),
            }
            Ok((self.docker.version().await, self.docker.info().await))
        })?;
        let version = version.map_err(self.call_err("version"))?;
        let info = info.map_err(self.call_err("info"))?;
        let info = serde_json::to_value(&info).unwrap_or_default();
        let smi = nvidia_smi_l();
        let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        Ok(HostFacts {
            docker_host: self.host.clone(),
            engine_version: version.version.unwrap_or_default(),
            api_version: version.api_version.unwrap_or_default(),
            os: format!("{} {}", s(&info, "OperatingSystem"), s(&info, "Architecture")).trim().to_string(),
            kernel: version.kernel_version.unwrap_or_else(|| s(&info, "KernelVersion")),
            cgroup_version: s(&info, "CgroupVersion"),
            runtimes: host::runtimes(&info),
            default_runtime: s(&info, "DefaultRuntime"),
            cdi_devices: host::cdi_devices(&info),
            host_gpus: smi.as_deref().map(host::gpu_lines).unwrap_or_default(),
            gpu: host::detect_gpu(&info, smi.as_deref()),
        })
    }

    /// Every container (running or not), network and volume, with labels.
    pub fn resources(&self) -> Result<Vec<Resource>, DockerError> {
        let (c, n, v) = self.block_on(async {
            let c = self.docker.list_containers(Some(ListContainersOptionsBuilder::default().all(true).build())).await;
            let n = self.docker.list_networks(Some(ListNetworksOptionsBuilder::default().build())).await;
            let v = self.docker.list_volumes(Some(ListVolumesOptionsBuilder::default().build())).await;
            (c, n, v)
        });
        let labels = |l: Option<HashMap<String, String>>| -> BTreeMap<String, String> { l.unwrap_or_default().into_iter().collect() };
        let mut out = Vec::new();
        for c in c.map_err(self.call_err("listing containers"))? {
            let name = c.names.as_ref().and_then(|n| n.first()).map(|n| n.trim_start_matches('/').to_string());
            out.push(Resource {
                kind: Kind::Container,
                id: c.id.unwrap_or_default(),
                name: name.unwrap_or_default(),
                labels: labels(c.labels),
            });
        }
        for n in n.map_err(self.call_err("listing networks"))? {
            out.push(Resource {
                kind: Kind::Network,
                id: n.id.unwrap_or_default(),
                name: n.name.unwrap_or_default(),
                labels: labels(n.labels),
            });
        }
        for v in v.map_err(self.call_err("listing volumes"))?.volumes.unwrap_or_default() {
            out.push(Resource { kind: Kind::Volume, id: v.name.clone(), name: v.name, labels: v.labels.into_iter().collect() });
        }
        Ok(out)
    }

    /// Removes one resource, forcefully (a container with its anonymous volumes).
    pub fn remove(&self, r: &Resource) -> Result<(), DockerError> {
        let result = self.block_on(async {
            match r.kind {
                Kind::Container => {
                    let opts = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
                    self.docker.remove_container(&r.id, Some(opts)).await
                }
                Kind::Network => self.docker.remove_network(&r.id).await,
                Kind::Volume => {
                    let opts = RemoveVolumeOptionsBuilder::default().force(true).build();
                    self.docker.remove_volume(&r.id, Some(opts)).await
                }
            }
        });
        match result {
            // Already gone (removed by the page itself in the meantime): fine.
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => Ok(()),
            other => other.map_err(self.call_err("removing a resource")),
        }
    }

    /// Every local image (intermediate layers too), with its tags and labels.
    pub fn images(&self) -> Result<Vec<Image>, DockerError> {
        let list = self
            .block_on(self.docker.list_images(Some(ListImagesOptionsBuilder::default().all(true).build())))
            .map_err(self.call_err("listing images"))?;
        Ok(list
            .into_iter()
            .map(|i| Image {
                id: i.id,
                tags: i.repo_tags.into_iter().filter(|t| t != "<none>:<none>").collect(),
                labels: i.labels.into_iter().collect(),
            })
            .collect())
    }

    /// Removes an image or one of its tags (`rmi`); `force` also untags every tag.
    pub fn remove_image(&self, reference: &str, force: bool) -> Result<(), DockerError> {
        let opts = RemoveImageOptionsBuilder::default().force(force).build();
        match self.block_on(self.docker.remove_image(reference, Some(opts), None)) {
            Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => Ok(()),
            other => other.map(|_| ()).map_err(self.call_err("removing an image")),
        }
    }

    /// Points `repo:tag` at image `id` (to restore a tag a page moved).
    pub fn tag_image(&self, id: &str, reference: &str) -> Result<(), DockerError> {
        let (repo, tag) = split_reference(reference);
        let opts = TagImageOptionsBuilder::default().repo(repo).tag(tag).build();
        self.block_on(self.docker.tag_image(id, Some(opts))).map_err(self.call_err("tagging an image"))
    }

    /// Whether an image (`name:tag`) exists locally.
    pub fn has_image(&self, reference: &str) -> bool {
        self.block_on(self.docker.inspect_image(reference)).is_ok()
    }

    /// `docker import`: a rootfs tar becomes image `reference`, with Dockerfile-style changes.
    pub fn import_rootfs(&self, tar: Vec<u8>, reference: &str, changes: &[&str]) -> Result<(), DockerError> {
        let opts = CreateImageOptionsBuilder::default()
            .from_src("-")
            .repo(reference)
            .changes(changes.iter().map(|c| c.to_string()).collect())
            .build();
        let results: Vec<_> =
            self.block_on(async { self.docker.create_image(Some(opts), Some(bollard::body_full(tar.into())), None).collect().await });
        for r in results {
            r.map_err(self.call_err("importing an image"))?;
        }
        Ok(())
    }
}

/// `repo:tag` → (`repo`, `tag`); a colon inside a registry's host:port is not a tag.
fn split_reference(reference: &str) -> (&str, &str) {
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (reference, "latest"),
    }
}

/// `nvidia-smi -L` on this machine, when the tool exists and succeeds.
fn nvidia_smi_l() -> Option<String> {
    let out = std::process::Command::new("nvidia-smi").arg("-L").stdin(std::process::Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
