#!/usr/bin/env python3
"""Checks every package `dotnet pack` wrote to a folder: README, licence (file and metadata), XML docs for every
assembly, a repository URL with a commit (SourceLink), and a symbol package (.snupkg) holding a .pdb per assembly.
Usage: check-packages.py FOLDER. Exits 1 and names each problem otherwise."""
import sys, zipfile, pathlib, re

folder = pathlib.Path(sys.argv[1])
packages = sorted(p for p in folder.glob("*.nupkg"))
problems = []
if not packages:
    problems.append(f"no .nupkg in {folder}")
for package in packages:
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
        nuspec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode("utf-8-sig")
    dlls = [n for n in names if n.startswith("lib/") and n.endswith(".dll")]
    need = {
        "README.md at the root": "README.md" in names,
        "LICENSE at the root": "LICENSE" in names,
        "<readme> in the nuspec": "<readme>README.md</readme>" in nuspec,
        "<license> in the nuspec": re.search(r"<license type=\"(expression|file)\">", nuspec) is not None,
        "<repository url=... commit=...> in the nuspec": re.search(r"<repository [^>]*url=\"[^\"]+\"[^>]*commit=\"[0-9a-f]{40}\"", nuspec) is not None,
        "at least one assembly under lib/": bool(dlls),
    }
    for dll in dlls:
        need[f"XML docs for {dll}"] = dll[:-4] + ".xml" in names
    symbols = package.with_suffix(".snupkg")
    if not symbols.exists():
        need[f"symbol package {symbols.name}"] = False
    else:
        with zipfile.ZipFile(symbols) as z:
            pdbs = set(z.namelist())
        for dll in dlls:
            need[f"{dll[:-4]}.pdb in {symbols.name}"] = dll[:-4] + ".pdb" in pdbs
    for what, ok in need.items():
        if not ok:
            problems.append(f"{package.name}: missing {what}")
    print(f"{package.name}: {len(need)} checks, {sum(not ok for ok in need.values())} missing")
for problem in problems:
    print("PACKAGE CHECK FAILED: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
