#!/usr/bin/env python3
"""Writes a synthetic cookbook of N pages for the benchmarks, deterministically.

Each page: prose, headings, a table, links to other pages and three code blocks (bash with
docker flags, Python, Dockerfile). The same pages are laid out three ways in OUT:
  OUT/book/      an mdBook (book.toml, src/SUMMARY.md): built by `cookbook` and `mdbook`
  OUT/hugo/      a Hugo site with a minimal layout (page + a sidebar of all pages)
  OUT/hugo-flat/ the same Hugo site without the sidebar
Usage: corpus.py N OUT
"""
import os
import random
import sys

WORDS = ("container image volume network gpu driver cuda memory shared limit restart policy "
         "logging entrypoint port mount workdir namespace process runtime toolkit tensor batch "
         "loader worker python training model cache layer build registry tag digest").split()
FLAGS = ["--shm-size=1g", "--ipc=host", "--gpus all", "--memory 256m", "--cpus 1.5",
         "--restart unless-stopped", "--network none", "--pid=host", "-p 8888:8888"]


def sentence(rng, n=14):
    w = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(w).capitalize() + "."


def page(i, n, rng):
    title = f"Recipe {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
    links = " ".join(f"[recipe {j}](recipe-{j}.md)" for j in rng.sample(range(n), min(3, n)))
    flag = rng.choice(FLAGS)
    body = [f"# {title}", "", " ".join(sentence(rng) for _ in range(5)), "", f"See also {links}.", ""]
    for h in range(3):
        body += [f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {h}", "",
                 " ".join(sentence(rng) for _ in range(4)), ""]
    body += ["| option | value | note |", "|---|---|---|"]
    body += [f"| `{rng.choice(FLAGS)}` | {rng.randint(1, 512)} | {sentence(rng, 5)} |" for _ in range(4)]
    body += ["", "```bash", f"docker run --rm {flag} -v $PWD:/work busybox sh -c 'echo {i}; df -h /dev/shm'",
             "docker inspect --format '{{.HostConfig.ShmSize}}' demo-" + str(i), "```", "",
             "```python", "import torch", "from torch.utils.data import DataLoader",
             f"loader = DataLoader(range({i + 10}), batch_size=32, num_workers=4)",
             "for batch in loader:", "    print(batch.shape)", "```", "",
             "```dockerfile", "FROM nvidia/cuda:12.4.1-base-ubuntu22.04",
             f"RUN apt-get update && apt-get install -y python3 && echo {i}",
             "WORKDIR /work", 'ENTRYPOINT ["python3"]', "```", "",
             " ".join(sentence(rng) for _ in range(6)), ""]
    return title, "\n".join(body)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    pages = [page(i, n, rng) for i in range(n)]
    src = os.path.join(out, "book", "src")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(out, "book", "book.toml"), "w") as f:
        f.write('[book]\ntitle = "Synthetic cookbook"\nsrc = "src"\n')
    with open(os.path.join(src, "SUMMARY.md"), "w") as f:
        f.write("# Summary\n\n" + "".join(f"- [{t}](recipe-{i}.md)\n" for i, (t, _) in enumerate(pages)))
    for i, (_, text) in enumerate(pages):
        with open(os.path.join(src, f"recipe-{i}.md"), "w") as f:
            f.write(text)
    for flavour, sidebar in (("hugo", True), ("hugo-flat", False)):
        root = os.path.join(out, flavour)
        os.makedirs(os.path.join(root, "content"), exist_ok=True)
        os.makedirs(os.path.join(root, "layouts", "_default"), exist_ok=True)
        with open(os.path.join(root, "hugo.toml"), "w") as f:
            f.write('baseURL = "http://localhost/"\ntitle = "Synthetic cookbook"\n'
                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                    '[markup.highlight]\nnoClasses = false\n')
        nav = ('<nav><ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">'
               '{{ .Title }}</a></li>{{ end }}</ul></nav>') if sidebar else ""
        layout = ("<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>" + nav +
                  "<main>{{ .Content }}</main></body></html>\n")
        for name in ("single.html", "list.html"):
            with open(os.path.join(root, "layouts", "_default", name), "w") as f:
                f.write(layout)
        for i, (t, text) in enumerate(pages):
            body = text.replace(".md)", "/)").replace("](recipe-", "](../recipe-")
            with open(os.path.join(root, "content", f"recipe-{i}.md"), "w") as f:
                f.write(f'+++\ntitle = "{t}"\nweight = {i + 1}\n+++\n{body}')


if __name__ == "__main__":
    main()
