//! The command-line front end: `generate` writes the file, `check` fails with a diff when the
//! committed copy is stale and passes when it is fresh, and a bad spec is exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("run the codegen binary")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

#[test]
fn check_fails_with_a_diff_until_generate_runs() {
    // A copy: `generate` writes the API lock into the spec folder.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/enums/spec");
    let spec = scratch("cli-spec");
    for entry in std::fs::read_dir(&fixture).expect("the fixture") {
        let path = entry.expect("an entry").path();
        std::fs::copy(&path, spec.join(path.file_name().expect("a name"))).expect("copy");
    }
    let out = scratch("cli-out");
    let target = out.join(codegen::OUTPUT_FILE);
    std::fs::write(&target, "// stale\n").expect("write a stale copy");
    let spec = spec.to_str().expect("utf-8 path");
    let out = out.to_str().expect("utf-8 path");

    let stale = codegen(&["check", "--spec", spec, "--out", out]);
    assert_eq!(stale.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert!(diff.contains("-// stale"), "{diff}");
    assert!(diff.contains("+pub mod models {"), "{diff}");
    assert!(String::from_utf8_lossy(&stale.stderr).contains("is stale"));

    let generated = codegen(&["generate", "--spec", spec, "--out", out]);
    assert!(generated.status.success(), "{generated:?}");
    let written = std::fs::read_to_string(&target).expect("generated file");
    assert_eq!(
        written,
        codegen::Generator::default()
            .generate_dir(Path::new(spec))
            .map(|g| g.source)
            .expect("generates")
    );

    assert!(Path::new(spec).join("rust-api.lock").is_file());

    let fresh = codegen(&["check", "--spec", spec, "--out", out]);
    assert_eq!(fresh.status.code(), Some(0), "{fresh:?}");
    assert!(fresh.stdout.is_empty());
    assert!(String::from_utf8_lossy(&fresh.stderr).contains("the generated API is unchanged"));

    // A stale lock fails the check too.
    std::fs::remove_file(Path::new(spec).join("rust-api.lock")).expect("remove the lock");
    let no_lock = codegen(&["check", "--spec", spec, "--out", out]);
    assert_eq!(no_lock.status.code(), Some(1), "{no_lock:?}");
    assert!(String::from_utf8_lossy(&no_lock.stderr).contains("rust-api.lock is stale"));
}

#[test]
fn a_bad_spec_is_exit_code_two_with_the_location() {
    let spec = scratch("cli-bad-spec");
    std::fs::write(
        spec.join("a.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n",
    )
    .expect("write the spec");
    let output = codegen(&[
        "generate",
        "--spec",
        spec.to_str().expect("utf-8"),
        "--out",
        "unused",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a.yaml#/components/schemas/A/$ref"),
        "{stderr}"
    );
}

/// `spec/` copied into a scratch folder, with `edit` applied to `downloads.yaml`.
fn edited_spec(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = scratch(name);
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for entry in std::fs::read_dir(&spec).expect("spec/") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path.file_name().expect("a name");
        let text = if name == "downloads.yaml" {
            edit(text)
        } else {
            text
        };
        std::fs::write(dir.join(name), text).expect("write");
    }
    dir
}

#[test]
fn changelog_says_what_an_edit_does_in_every_format() {
    let new = edited_spec("cli-changelog", |text| {
        text.replacen("        url:\n", "        uri:\n", 1)
    });
    let (old, new) = ("../spec", new.to_str().expect("utf-8"));

    let text = codegen(&["changelog", old, new]);
    assert_eq!(text.status.code(), Some(0), "{text:?}");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("API changes: 1 breaking, 1 additive, 0 documentation (semver: major)"),
        "{text}"
    );
    assert!(text.contains("  models::Download::url: removed (`\"url\"`)\n      old: ../spec/downloads.yaml#/components/schemas/Download/properties/url"), "{text}");

    let markdown = codegen(&["changelog", old, new, "--format", "markdown"]);
    let markdown = String::from_utf8_lossy(&markdown.stdout);
    assert!(markdown.starts_with("## API changes\n"), "{markdown}");
    assert!(
        markdown.contains("### Breaking\n\n- `models::Download::url`: removed"),
        "{markdown}"
    );

    let json = codegen(&["changelog", old, new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(json["semver"], "major");
    assert_eq!(json["counts"]["breaking"], 1);
    let first = &json["changes"][0];
    assert_eq!(first["severity"], "breaking");
    assert_eq!(first["rust"], "models::Download::url");
    assert_eq!(first["new"], serde_json::Value::Null);
    assert!(
        first["old"]
            .as_str()
            .is_some_and(|at| at.ends_with("#/components/schemas/Download/properties/url"))
    );

    for (fail_on, code) in [("breaking", 1), ("additive", 1)] {
        let output = codegen(&["changelog", old, new, "--fail-on", fail_on]);
        assert_eq!(output.status.code(), Some(code), "{fail_on}: {output:?}");
    }
    let additive_only = edited_spec("cli-changelog-additive", |text| {
        text.replacen(
            "        url:\n",
            "        thumbnail: {type: string}\n        url:\n",
            1,
        )
    });
    let additive_only = additive_only.to_str().expect("utf-8");
    let output = codegen(&["changelog", old, additive_only, "--fail-on", "breaking"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = codegen(&["changelog", old, additive_only, "--fail-on", "additive"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
}

#[test]
fn changelog_reads_git_revisions_and_refuses_what_it_cannot_read() {
    // The same revision on both sides: nothing changed.
    let same = codegen(&[
        "changelog",
        "HEAD:../spec",
        "HEAD:../spec",
        "--fail-on",
        "additive",
    ]);
    assert_eq!(same.status.code(), Some(0), "{same:?}");
    assert!(String::from_utf8_lossy(&same.stdout).contains("0 breaking, 0 additive"));
    let bad = codegen(&["changelog", "no-such-revision:../spec", "../spec"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-revision:./../spec"));
}

#[test]
fn changelog_says_what_lenient_approximated_and_names_a_refused_file_once() {
    // A property that is an object and a string at once: refused strictly, any JSON leniently.
    let new = edited_spec("cli-changelog-lenient", |text| {
        text.replacen(
            "        url:\n",
            "        mixed:\n          description: Both.\n          allOf: [{type: object}, {type: string}]\n        url:\n",
            1,
        )
    });
    let (old, new) = ("../spec", new.to_str().expect("utf-8"));

    let strict = codegen(&["changelog", old, new]);
    assert_eq!(strict.status.code(), Some(2), "{strict:?}");
    let stderr = String::from_utf8_lossy(&strict.stderr);
    // The error names the file once, not prefixed with the folder given on the command line.
    assert!(!stderr.contains(&format!("{new}: ")), "{stderr}");
    assert!(
        stderr.contains("downloads.yaml#/components/schemas/Download/properties/mixed"),
        "{stderr}"
    );

    let lenient = codegen(&["changelog", old, new, "--lenient"]);
    assert_eq!(lenient.status.code(), Some(0), "{lenient:?}");
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert!(
        stderr.contains("note: ")
            && stderr.contains("downloads.yaml#/components/schemas/Download/properties/mixed"),
        "{stderr}"
    );
    assert!(stderr.contains("1 construct(s) approximated"), "{stderr}");
    let stdout = String::from_utf8_lossy(&lenient.stdout);
    assert!(
        stdout.contains("models::Download::mixed: added"),
        "{stdout}"
    );
}

#[test]
fn outside_runtime_puts_the_setters_in_traits() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/query_and_headers/spec");
    let spec = spec.to_str().expect("utf-8 path");
    let inside = scratch("cli-inside");
    let outside = scratch("cli-outside");
    for (out, extra) in [(&inside, None), (&outside, Some("--outside-runtime"))] {
        let mut args = vec!["generate", "--no-lock", "--spec", spec];
        let out = out.to_str().expect("utf-8 path");
        args.extend(["--out", out]);
        args.extend(extra);
        let run = codegen(&args);
        assert!(run.status.success(), "{run:?}");
    }
    let read =
        |dir: &Path| std::fs::read_to_string(dir.join(codegen::OUTPUT_FILE)).expect("written");
    let (inside, outside) = (read(&inside), read(&outside));
    assert!(
        inside.contains("impl Request<Vec<String>, ops::List> {"),
        "{inside}"
    );
    assert!(!inside.contains("pub mod setters"), "{inside}");
    assert!(outside.contains("pub mod setters {"), "{outside}");
    assert!(
        outside.contains("impl List for Request<Vec<String>, ops::List> {"),
        "{outside}"
    );
}
