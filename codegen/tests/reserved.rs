//! A setter is a method of the runtime's `Request` (inherent in the SDK's crate, a trait's
//! elsewhere), so no optional parameter may take the name of a method `Request` already has:
//! an inherent duplicate does not compile, and a trait method of that name would never be
//! called. The generator's reserved names are checked here against the runtime's source, so a
//! method added to `Request` without reserving its name fails this test.

use std::collections::BTreeSet;
use std::path::Path;

use codegen::naming::ARGUMENT_RESERVED;

/// The names of the methods defined in `impl ... Request<...>` blocks of `items`, modules
/// (the tests') included.
fn request_methods(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(block) => {
                let syn::Type::Path(ty) = &*block.self_ty else {
                    continue;
                };
                if ty
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .as_deref()
                    != Some("Request")
                {
                    continue;
                }
                for member in &block.items {
                    if let syn::ImplItem::Fn(method) = member {
                        out.insert(method.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    request_methods(items, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_method_of_the_runtime_request_is_a_reserved_name() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/request");
    let mut methods = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/request") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            request_methods(&file.items, &mut methods);
            files += 1;
        }
    }
    assert!(files >= 3, "src/request/ went missing");
    // The sending methods and an option: found, so the walk above reads what it should.
    for known in ["send", "send_with_response", "timeout", "poll"] {
        assert!(methods.contains(known), "{known} not found in {methods:?}");
    }
    // `IntoFuture` comes with `Future`, from the standard library.
    methods.insert("into_future".to_owned());
    let free: Vec<&String> = methods
        .iter()
        .filter(|name| !ARGUMENT_RESERVED.contains(&name.as_str()))
        .collect();
    assert!(
        free.is_empty(),
        "methods of `Request` a setter could take the name of: {free:?}; add them to ARGUMENT_RESERVED"
    );
}
