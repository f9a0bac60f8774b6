//! `codegen import`: every resource of Cloudflare's Stream schema imported into a copy of
//! `spec/` generates strictly and clippy-clean with every item documented, every operation a
//! method; the curated `downloads.yaml` is left alone; importing again changes nothing; and a
//! re-import from a newer schema keeps what a person wrote and says what changed; every week of
//! the history imports whole; a resource refused does not take others down with it.
//!
//! They read Cloudflare's schema as vendored in `schemas/cloudflare/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use codegen::changes::{self, Severity};
use codegen::import::{self, Source};
use codegen::model::{Api, visit};

#[path = "support/schemas.rs"]
mod schemas;
#[path = "support/scratch.rs"]
mod scratch;

use schemas::schema;

/// A fresh copy of the core of `spec/` under the target folder: the files written by hand
/// (`common.yaml`, `downloads.yaml`), as a folder is before anything is imported into it.
fn spec_copy(name: &str) -> PathBuf {
    copy_of(name, |file| {
        matches!(file, "common.yaml" | "downloads.yaml")
    })
}

/// A fresh copy of the files of `spec/` that `keep` keeps, lock included, under the target
/// folder.
fn copy_of(name: &str, keep: impl Fn(&str) -> bool) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(name)
        .join("spec");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for entry in std::fs::read_dir(spec).expect("spec/") {
        let path = entry.expect("an entry").path();
        let file = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if keep(&file) {
            std::fs::copy(&path, dir.join(&file)).expect("copy");
        }
    }
    dir
}

/// `spec/` is what importing the vendored Stream schema writes: importing every resource again
/// into a copy of it rewrites no file byte for byte (the names chosen there, `x-rust-*`, are
/// kept), leaves its overlays as they are, and changes nothing in the generated API. A
/// correction made by editing an imported file instead of writing an overlay would show here.
#[test]
fn spec_is_the_stream_schema_imported_and_a_reimport_changes_nothing() {
    let dir = copy_of("import-spec", |_| true);
    let before: Vec<(PathBuf, Vec<u8>)> = codegen::spec_files(&dir)
        .expect("listed")
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("read");
            (path, bytes)
        })
        .collect();
    let api = generated(&dir).source;
    let source = Source::read(&schema("cloudflare-stream.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let plan = import(&source, &dir, &[]);
    assert!(plan.approximated.is_empty(), "{:?}", plan.approximated);
    for (path, bytes) in &before {
        let now = std::fs::read(path).expect("read");
        assert!(now == *bytes, "{} changed on re-import", path.display());
    }
    assert_eq!(
        codegen::spec_files(&dir).expect("listed").len(),
        before.len()
    );
    assert_eq!(generated(&dir).source, api, "the generated API changed");
    assert!(
        before
            .iter()
            .any(|(path, _)| path.to_string_lossy().ends_with(".overlay.yaml")),
        "spec/ has its corrections as overlays"
    );
}

fn import(source: &Source, dir: &Path, resources: &[&str]) -> import::Plan {
    let names: Vec<String> = resources.iter().map(|r| (*r).to_owned()).collect();
    let plan = import::plan(source, dir, &names).unwrap_or_else(|e| panic!("{e}"));
    import::write(&plan).unwrap_or_else(|e| panic!("{e}"));
    plan
}

fn generated(dir: &Path) -> codegen::Generated {
    // The generated API compiles as a crate of its own, not the runtime's.
    let options = codegen::Options {
        outside_runtime: true,
        ..codegen::Options::default()
    };
    codegen::Generator::new(options)
        .generate_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("run codegen")
}

#[test]
fn every_stream_resource_imports_and_generates_strictly() {
    let schema = schema("cloudflare-stream.yaml");
    let source = Source::read(&schema).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = source.resources().iter().map(|r| r.name.clone()).collect();
    assert!(names.contains(&"stream.captions".to_owned()), "{names:?}");
    assert!(
        names.contains(&"stream.live_inputs.outputs".to_owned()),
        "{names:?}"
    );
    let dir = spec_copy("import-all");
    let plan = import(&source, &dir, &[]);

    // The curated downloads file wins over Cloudflare's older downloads paths.
    assert_eq!(plan.skipped.len(), 1, "{:?}", plan.skipped);
    assert_eq!(plan.skipped[0].0, "stream.downloads");
    assert!(plan.approximated.is_empty(), "{:?}", plan.approximated);
    assert_eq!(plan.files.len(), names.len() - 1);
    let curated = std::fs::read_to_string(dir.join("downloads.yaml")).expect("downloads.yaml");
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/downloads.yaml");
    assert_eq!(
        curated,
        std::fs::read_to_string(original).expect("spec/downloads.yaml")
    );

    // Every operation is a method: Cloudflare's 43, less its three downloads routes, plus the
    // curated file's five.
    let api = generated(&dir).api;
    let operations = visit::operations(&api.roots);
    assert_eq!(operations.len(), 45);
    let captions = operations
        .iter()
        .find(|(_, op)| op.http_method.as_str() == "PUT" && op.path_template.contains("captions"))
        .expect("the caption upload");
    assert_eq!(
        captions.1.method_name, "upload",
        "a caption's PUT is an upload"
    );

    // Every item documented, clippy-clean: the crate lints what the SDK's crate lints.
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-crate");
    scratch::krate(
        &root,
        "imported",
        "",
        "//! Every Stream resource, imported.\n#![warn(missing_docs)]\ninclude!(\"api.rs\");\n",
    );
    scratch::write(&root.join("imported/src/api.rs"), &generated(&dir).source);
    scratch::workspace(&root, &["imported".to_owned()]);
    let clippy = scratch::cargo(&root, &["clippy", "--quiet", "--", "-D", "warnings"]);
    assert!(
        clippy.status.success(),
        "{}",
        String::from_utf8_lossy(&clippy.stderr)
    );

    // Importing again changes nothing: every file is still the importer's, as it wrote it.
    let again = import::plan(&source, &dir, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.skipped, plan.skipped);
    for (path, text) in &again.files {
        assert_eq!(
            &std::fs::read_to_string(path).expect("written"),
            text,
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_reimport_keeps_what_a_person_wrote_and_says_what_changed() {
    let old = schema("history/2023-01-10_f6156ae6.json");
    let new = schema("cloudflare-stream.yaml");
    let dir = spec_copy("import-again");
    let old = Source::read(&old).unwrap_or_else(|e| panic!("{e}"));
    import(&old, &dir, &["stream.captions"]);
    // A person names a method, describes a type the schema left undescribed, adds an example.
    let file = dir.join("stream.captions.yaml");
    let text = std::fs::read_to_string(&file).expect("imported");
    let text = text
        .replacen(
            "      description: Removes the captions or subtitles from a video.\n",
            "      description: Removes the captions or subtitles from a video.\n      x-rust-method: remove\n",
            1,
        )
        .replacen(
            "      description: Captions.\n",
            "      description: One caption track of a video, in one language.\n",
            1,
        )
        .replacen(
            "  description: The `stream.captions` resource of Cloudflare's API.\n",
            "  description: The captions and subtitles of a video.\n",
            1,
        );
    assert!(text.contains("x-rust-method: remove") && text.contains("One caption track"));
    assert!(text.contains("captions and subtitles of a video"));
    std::fs::write(&file, &text).expect("edited");
    let before: Api = generated(&dir).api;

    let new = Source::read(&new).unwrap_or_else(|e| panic!("{e}"));
    import(&new, &dir, &["stream.captions"]);
    let text = std::fs::read_to_string(&file).expect("imported again");
    assert!(text.contains("x-rust-method: remove"), "{text}");
    assert!(
        text.contains("One caption track of a video, in one language."),
        "{text}"
    );
    // The tag's description, made up by the importer and then written by a person: the
    // module's documentation.
    assert!(
        text.contains("The captions and subtitles of a video."),
        "{text}"
    );
    assert!(
        text.contains("imported from `cloudflare-stream.yaml`"),
        "{text}"
    );

    let after = codegen::Generator::new(codegen::Options::default())
        .keeping_names_of(Some(&before))
        .generate(&codegen::load::Spec::load_dir(&dir).expect("loads"))
        .unwrap_or_else(|e| panic!("{e}"))
        .api;
    let changelog = changes::compare(&before, &after);
    let has = |severity: Severity, rust: &str| {
        changelog
            .changes
            .iter()
            .any(|c| c.severity == severity && c.rust == rust)
    };
    assert!(
        has(Severity::Breaking, "stream::captions::Captions::upload"),
        "{changelog:#?}"
    );
    assert!(
        has(Severity::Additive, "stream::captions::Captions::get"),
        "{changelog:#?}"
    );
    assert!(
        has(Severity::Additive, "models::Captions::status"),
        "{changelog:#?}"
    );
    // The method the person named keeps its name: no change reported for it but the wire's
    // (the schema's security requirement differs from the older file's).
    assert!(
        !changelog
            .changes
            .iter()
            .any(|c| c.rust.contains("Captions::remove") && c.severity != Severity::Wire),
        "{changelog:#?}"
    );
}

#[test]
fn the_command_lists_and_refuses_what_it_cannot_do() {
    let schema = schema("cloudflare-stream.yaml");
    let schema = schema.to_str().expect("utf-8");
    let list = codegen(&["import", "--from", schema, "--list"]);
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("stream.captions  (stream.captions.yaml)"),
        "{text}"
    );
    // The method each operation becomes in the imported file: a caption's PUT uploads.
    assert!(
        text.contains(
            "PUT     /accounts/{account_id}/stream/{identifier}/captions/{language}  → upload\n"
        ),
        "{text}"
    );

    let dir = spec_copy("import-refused");
    let dir = dir.to_str().expect("utf-8");
    let unknown = codegen(&[
        "import",
        "--from",
        schema,
        "--resource",
        "stream.nope",
        "--spec",
        dir,
    ]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no resource `stream.nope`"));
    let nothing = codegen(&["import", "--from", schema, "--spec", dir]);
    assert_eq!(nothing.status.code(), Some(2), "{nothing:?}");
    // A folder without the `common.yaml` every imported file refers to: said, nothing written.
    let empty = Path::new(dir).join("../empty");
    std::fs::create_dir_all(&empty).expect("an empty folder");
    let bare = codegen(&[
        "import",
        "--from",
        schema,
        "--all",
        "--spec",
        empty.to_str().expect("utf-8"),
    ]);
    assert_eq!(bare.status.code(), Some(2), "{bare:?}");
    let stderr = String::from_utf8_lossy(&bare.stderr);
    assert!(
        stderr.contains("common.yaml: not found: imported files refer to it"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&empty).expect("listed").count(), 0);

    // One command: the file, the generated code and the lock, and what changed.
    let out = Path::new(dir).join("../out");
    let one = codegen(&[
        "import",
        "--from",
        schema,
        "--resource",
        "stream.captions",
        "--spec",
        dir,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(one.status.code(), Some(0), "{one:?}");
    let stdout = String::from_utf8_lossy(&one.stdout);
    assert!(
        stdout.contains("stream::captions::Captions::upload: added"),
        "{stdout}"
    );
    assert!(out.join("api.rs").is_file() && Path::new(dir).join("rust-api.lock").is_file());
}

#[test]
fn every_week_of_the_history_imports_whole_without_approximation() {
    let history = schema("history");
    let mut weeks: Vec<PathBuf> = std::fs::read_dir(&history)
        .expect("history/")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    weeks.sort();
    assert_eq!(weeks.len(), 34, "{weeks:?}");
    for week in &weeks {
        let source = Source::read(week).unwrap_or_else(|e| panic!("{}: {e}", week.display()));
        let dir = spec_copy("import-week");
        let plan =
            import::plan(&source, &dir, &[]).unwrap_or_else(|e| panic!("{}: {e}", week.display()));
        // Only the curated downloads file's routes are left, in the weeks that have them.
        assert!(
            plan.skipped
                .iter()
                .all(|(name, _)| name == "stream.downloads"),
            "{}: {:?}",
            week.display(),
            plan.skipped
        );
        assert!(
            plan.approximated.is_empty(),
            "{}: {:?}",
            week.display(),
            plan.approximated
        );
        assert_eq!(
            plan.files.len() + plan.skipped.len(),
            source.resources().len(),
            "{}",
            week.display()
        );
    }
}

/// A source whose first resource the strict generator refuses (a multipart body that is not an
/// object) and whose second uses a schema the first uses too.
const SHARING_SOURCE: &str = r##"
openapi: 3.0.3
info: {title: Widgets, version: "1"}
paths:
  /accounts/{account_id}/alpha:
    put:
      operationId: alpha-upload
      summary: Upload an alpha.
      parameters:
        - {name: account_id, in: path, required: true, schema: {$ref: '#/components/schemas/account_identifier'}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {type: array, items: {type: string, format: binary}}
      responses:
        '200':
          description: The widget uploaded.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/widget'}
  /accounts/{account_id}/beta:
    get:
      operationId: beta-get
      summary: Get the beta widget.
      parameters:
        - {name: account_id, in: path, required: true, schema: {$ref: '#/components/schemas/account_identifier'}}
      responses:
        '200':
          description: The beta widget.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/widget'}
components:
  schemas:
    account_identifier: {type: string, maxLength: 32, description: An account.}
    widget:
      type: object
      description: A widget.
      properties:
        name: {type: string, description: Its name.}
"##;

#[test]
fn a_refused_resource_does_not_take_the_resources_sharing_its_schemas_down() {
    let dir = spec_copy("import-sharing");
    let from = dir.join("../widgets.yaml");
    std::fs::write(&from, SHARING_SOURCE).expect("write the source");
    let source = Source::read(&from).unwrap_or_else(|e| panic!("{e}"));
    let plan = import(&source, &dir, &[]);

    let skipped: Vec<&str> = plan.skipped.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(skipped, ["alpha"], "{:?}", plan.skipped);
    assert!(
        plan.skipped[0].1.contains("multipart"),
        "{:?}",
        plan.skipped
    );
    assert!(!dir.join("alpha.yaml").exists());
    // The schema both use is defined where the imported resource can reach it.
    let beta = std::fs::read_to_string(dir.join("beta.yaml")).expect("beta.yaml written");
    assert!(beta.contains("Widget:"), "{beta}");
    assert!(!beta.contains("alpha.yaml"), "{beta}");
    let code = generated(&dir).source;
    assert!(code.contains("pub mod beta"), "beta is a resource");
}

#[test]
fn a_persons_file_and_a_file_edited_by_hand_are_never_overwritten() {
    let schema = schema("cloudflare-stream.yaml");
    let schema = schema.to_str().expect("utf-8");
    let dir = spec_copy("import-owned");
    let out = dir.join("../out");
    let run = |resource: &str, more: &[&str]| {
        let mut args = vec![
            "import",
            "--from",
            schema,
            "--resource",
            resource,
            "--spec",
            dir.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ];
        args.extend(more);
        codegen(&args)
    };

    // A file of a resource's name that a person wrote is theirs: left alone, and said so.
    let mine = "openapi: 3.0.3\ninfo: {title: Notes, version: '1'}\npaths: {}\n";
    let file = dir.join("stream.webhook.yaml");
    std::fs::write(&file, mine).expect("a person's file");
    let refused = run("stream.webhook", &[]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("stream.webhook.yaml is not a file `codegen import` wrote"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), mine);

    // An imported file whose shape a person changed (a property added) is left alone too;
    // `--replace-edited` lets the schema's version replace the change.
    let captions = run("stream.captions", &[]);
    assert_eq!(captions.status.code(), Some(0), "{captions:?}");
    let file = dir.join("stream.captions.yaml");
    let text = std::fs::read_to_string(&file).expect("imported");
    assert!(text.contains("x-codegen-import:"), "{text}");
    let edited = text.replacen(
        "      properties:\n",
        "      properties:\n        mine:\n          type: string\n          description: Mine.\n",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&file, &edited).expect("edited");
    let refused = run("stream.captions", &[]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("stream.captions.yaml was changed by hand since it was imported"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), edited);
    let replaced = run("stream.captions", &["--replace-edited"]);
    assert_eq!(replaced.status.code(), Some(0), "{replaced:?}");
    assert_eq!(std::fs::read_to_string(&file).expect("rewritten"), text);
}

/// A loopback HTTP server answering each request for `/{name}` with `body`, anything else 404,
/// until `requests` have been answered.
fn serve_once(name: &'static str, body: Vec<u8>, requests: usize) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("a clone"));
            let _ = reader.read_line(&mut request_line);
            // The rest of the head, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let found = request_line.starts_with(&format!("GET /{name} "));
            let (status, body) = if found {
                ("200 OK", body.as_slice())
            } else {
                ("404 Not Found", &b"not here"[..])
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    format!("http://{address}")
}

#[test]
fn import_fetches_a_schema_from_a_url_and_says_when_it_cannot() {
    let text = std::fs::read(schema("cloudflare-stream.yaml")).expect("the schema");
    let base = serve_once("schemas/cloudflare-stream.yaml", text, 2);
    let dir = spec_copy("import-url");
    let spec = dir.to_str().expect("utf-8");
    let out = dir.join("../out");
    let imported = codegen(&[
        "import",
        "--from",
        &format!("{base}/schemas/cloudflare-stream.yaml"),
        "--resource",
        "stream.keys",
        "--spec",
        spec,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(imported.status.code(), Some(0), "{imported:?}");
    let file = std::fs::read_to_string(dir.join("stream.keys.yaml")).expect("imported");
    assert!(
        file.contains("imported from `cloudflare-stream.yaml`"),
        "named after the URL's file"
    );
    assert!(
        String::from_utf8_lossy(&imported.stdout).contains("stream::keys::Keys::create: added"),
        "{imported:?}"
    );

    let missing = codegen(&["import", "--from", &format!("{base}/nope.json"), "--list"]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("cannot fetch") && stderr.contains("404"),
        "{stderr}"
    );
}
