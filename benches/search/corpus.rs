//! A synthetic cookbook for the search benchmark: N pages of prose, headings, a table and
//! three code blocks (bash with docker flags, Python, a Dockerfile), split into sections
//! the way the site pipeline does. Deterministic: the same N gives the same docs.

use cookbook::core::search::SearchDoc;

/// xorshift64*: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TOPIC: &[&str] = &[
    "container",
    "image",
    "docker",
    "gpu",
    "cuda",
    "driver",
    "memory",
    "shared",
    "size",
    "limit",
    "volume",
    "network",
    "port",
    "build",
    "layer",
    "cache",
    "registry",
    "tag",
    "runtime",
    "toolkit",
    "nvidia",
    "worker",
    "batch",
    "dataset",
    "model",
    "training",
    "inference",
    "checkpoint",
    "python",
    "pip",
    "conda",
    "torch",
    "tensor",
    "process",
    "thread",
    "kernel",
    "host",
    "device",
    "compose",
    "service",
    "restart",
    "policy",
    "health",
    "log",
    "user",
    "permission",
    "root",
    "mount",
    "bind",
    "environment",
    "variable",
    "secret",
];
const FLAGS: &[&str] = &[
    "--rm",
    "-it",
    "-d",
    "--gpus all",
    "--gpus device=0",
    "--shm-size=8g",
    "--shm-size=16g",
    "--ipc=host",
    "--restart unless-stopped",
    "--restart on-failure:3",
    "-e NVIDIA_VISIBLE_DEVICES=0",
    "-e CUDA_VISIBLE_DEVICES=1",
    "--runtime=nvidia",
    "-v $PWD/data:/data",
    "-p 8888:8888",
    "--memory=16g",
    "--cpus=4",
    "--ulimit memlock=-1",
    "--network host",
    "--user 1000:1000",
    "--name trainer",
    "--entrypoint bash",
    "-w /workspace",
    "--read-only",
    "--cap-drop ALL",
];
const IMAGES: &[&str] = &[
    "nvidia/cuda:12.4.1-base-ubuntu22.04",
    "nvidia/cuda:12.2.0-runtime-ubuntu22.04",
    "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu20.04",
    "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime",
    "python:3.12-slim",
    "ubuntu:24.04",
    "tensorflow/tensorflow:2.16.1-gpu",
    "busybox",
    "alpine:3.20",
];

/// A vocabulary of made-up words, used with a Zipf-like skew so that rare words are rare.
fn vocabulary(size: usize) -> Vec<String> {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ra", "ten", "sol", "vex", "dor", "pu", "an", "ber", "cil", "dra", "fen", "gor",
        "hal", "ist", "jun", "kor", "lem", "mor", "nix", "ost", "pra", "quo", "rin", "sta", "tur", "umb",
    ];
    let mut rng = Rng::new(7);
    (0..size).map(|_| (0..2 + rng.below(3)).map(|_| rng.pick(SYL)).collect()).collect()
}

struct Words {
    vocab: Vec<String>,
}

impl Words {
    fn word(&self, rng: &mut Rng) -> String {
        if rng.below(4) == 0 {
            return rng.pick(TOPIC).to_string();
        }
        // Zipf-ish: squaring a uniform number favours small ranks.
        let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        self.vocab[((u * u * u) * self.vocab.len() as f64) as usize].clone()
    }
    fn sentence(&self, rng: &mut Rng, n: usize) -> String {
        let mut s: Vec<String> = (0..n).map(|_| self.word(rng)).collect();
        s[0] = s[0][..1].to_uppercase() + &s[0][1..];
        s.join(" ") + "."
    }
    fn prose(&self, rng: &mut Rng, sentences: usize) -> String {
        (0..sentences)
            .map(|_| {
                let n = 8 + rng.below(12);
                self.sentence(rng, n)
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The sections of `pages` synthetic pages: intro, a bash recipe with a table, Python, Dockerfile.
pub fn docs(pages: usize) -> Vec<SearchDoc> {
    let words = Words { vocab: vocabulary(40_000) };
    let mut rng = Rng::new(pages as u64);
    let mut docs = Vec::with_capacity(pages * 4);
    for p in 0..pages {
        let title = format!("{} {} {}", words.word(&mut rng), rng.pick(TOPIC), p);
        let slug = format!("page-{p}.html");
        let section = |heading: &str, id: &str, text: String, code: String| SearchDoc {
            url: format!("{slug}#{id}"),
            page_title: title.clone(),
            heading_path: if heading == title {
                vec![title.clone()]
            } else {
                vec![title.clone(), heading.into()]
            },
            text,
            code,
        };
        docs.push(section(&title, "intro", words.prose(&mut rng, 4), String::new()));
        let flags: Vec<&str> = (0..2 + rng.below(4)).map(|_| rng.pick(FLAGS)).collect();
        let image = rng.pick(IMAGES);
        let bash =
            format!("docker run {} {image} nvidia-smi\ndocker ps --filter name=trainer", flags.join(" "));
        let table = format!(
            "Flag Meaning {} {} {} {}",
            flags[0],
            words.sentence(&mut rng, 4),
            flags[1],
            words.sentence(&mut rng, 4)
        );
        let heading = format!("Run {} with {}", words.word(&mut rng), rng.pick(TOPIC));
        docs.push(section(&heading, "run", words.prose(&mut rng, 5) + " " + &table, bash));
        let py = format!(
            "import torch\nloader = DataLoader(ds, batch_size={}, num_workers={})\nmodel = {}(pretrained=True)",
            1 << rng.below(8),
            rng.below(16),
            words.word(&mut rng)
        );
        let heading = format!("In Python: {}", words.word(&mut rng));
        docs.push(section(&heading, "python", words.prose(&mut rng, 3), py));
        let dockerfile = format!(
            "FROM {image}\nRUN pip install --no-cache-dir torch=={}.{}\nENV {}_HOME=/opt/{}\nWORKDIR /workspace",
            1 + rng.below(3),
            rng.below(10),
            words.word(&mut rng).to_uppercase(),
            words.word(&mut rng)
        );
        docs.push(section("Image", "image", words.prose(&mut rng, 3), dockerfile));
    }
    docs
}
