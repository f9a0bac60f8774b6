//! `import`: resources of a Cloudflare schema file written into the spec folder, then generated.

use std::process::ExitCode;
use std::time::Instant;

use crate::changes;
use crate::changes::render::{self, Format};
use crate::model::lock;

use super::args::{ImportArgs, Options, Paths};
use super::files::write;
use super::generate::generate;

/// Runs `import`.
pub fn import(args: &ImportArgs) -> Result<ExitCode, String> {
    let fetched = super::fetch::Fetched::from_arg(&args.from)?;
    let source = crate::import::Source::read(fetched.path()).map_err(|e| e.to_string())?;
    if args.list {
        let mut listing = String::new();
        for resource in source.resources() {
            listing.push_str(&format!("{}  ({})\n", resource.name, resource.file()));
            for (method, path, rust) in &resource.operations {
                listing.push_str(&format!(
                    "    {:<7} {path}  → {rust}\n",
                    method.to_uppercase()
                ));
            }
        }
        // A reader that stops early (`| head`) is not an error.
        let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), listing.as_bytes());
        return Ok(ExitCode::SUCCESS);
    }
    if args.resources.is_empty() && !args.all {
        return Err(
            "name the resources to import (`--resource NAME`, or `--all`); `--list` lists them"
                .into(),
        );
    }
    let paths = Paths {
        spec: args.spec.clone(),
        out: args.out.clone(),
        no_lock: false,
        options: Options {
            lenient: false,
            every_schema: false,
            outside_runtime: false,
        },
    };
    // The API before, to say what the import changed.
    let before = crate::load::Spec::load_dir(&args.spec)
        .ok()
        .and_then(|spec| {
            let lock = lock::read(&args.spec).ok().flatten();
            crate::Generator::new(crate::Options::default())
                .keeping_names_of(lock.as_ref())
                .generate(&spec)
                .ok()
        });
    let started = Instant::now();
    let plan = crate::import::plan_with(&source, &args.spec, &args.resources, args.replace_edited)
        .map_err(|e| e.to_string())?;
    for (resource, why) in &plan.skipped {
        eprintln!("skipped {resource}: {why}");
    }
    for note in &plan.approximated {
        eprintln!("approximated: {note}; written as any JSON");
    }
    crate::import::write(&plan).map_err(|e| e.to_string())?;
    for (path, text) in &plan.files {
        eprintln!("wrote {} ({} lines)", path.display(), text.lines().count());
    }
    eprintln!(
        "imported {} resource(s) in {:.1} ms",
        plan.files.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    // A resource asked for by name and left alone is a failure to do what was asked; one left
    // by `--all` (the curated downloads) is the folder's choice.
    let status = if plan
        .skipped
        .iter()
        .any(|(resource, _)| args.resources.contains(resource))
    {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    if args.no_generate {
        return Ok(status);
    }
    let fresh = generate(&paths)?;
    let target = paths.out.join(crate::OUTPUT_FILE);
    write(&target, &fresh.source)?;
    write(&paths.spec.join(lock::LOCK_FILE), &fresh.lock_text)?;
    eprintln!(
        "wrote {} and {}",
        target.display(),
        paths.spec.join(lock::LOCK_FILE).display()
    );
    if let Some(before) = before {
        let spec = crate::load::Spec::load_dir(&args.spec).map_err(|e| e.to_string())?;
        let after = crate::Generator::new(crate::Options::default())
            .keeping_names_of(Some(&before.api))
            .generate(&spec)
            .map_err(|e| e.to_string())?;
        print!(
            "{}",
            render::render(&changes::compare(&before.api, &after.api), Format::Text)
        );
    }
    Ok(status)
}
