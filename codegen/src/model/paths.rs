//! Paths: a template split into literal text and parameters, and the functions that build a
//! path several methods of one resource share (`downloads_path(account_id, identifier)`), so
//! that each method does not repeat the same chain of checks and encodings.

use std::collections::HashMap;

use super::docs;
use super::ir::{Operation, ParamType, PathPart, SharedPath};
use super::names::{self, Scope};
use crate::error::{Error, Location, Result};

/// A template split into literal text and the names of its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'t> {
    /// Text sent as written.
    Literal(&'t str),
    /// A parameter, by name (`account_id` in `{account_id}`).
    Param(&'t str),
}

/// Splits `template` (standing at `at`) into literal text and parameters.
pub fn split<'t>(template: &'t str, at: &Location) -> Result<Vec<Segment<'t>>> {
    let mut segments = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| Error::Invalid {
                at: at.clone(),
                message: format!("unclosed `{{` in path `{template}`"),
            })?;
        if open > 0 {
            segments.push(Segment::Literal(&rest[..open]));
        }
        segments.push(Segment::Param(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest));
    }
    Ok(segments)
}

/// The route a path template stands for, whatever its parameters are called: `/a/{id}/b` and
/// `/a/{video_id}/b` are both `/a/{}/b`.
pub fn route(template: &str) -> String {
    let mut route = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_param = true;
                route.push_str("{}");
            }
            '}' if in_param => in_param = false,
            _ if in_param => {}
            c => route.push(c),
        }
    }
    route
}

/// The name of the path's last segment if it is a parameter (`download_type`).
pub fn trailing_param(path: &str) -> Option<String> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    super::cloudflare::is_param(last).then(|| last[1..last.len() - 1].to_owned())
}

/// What a path builder does, by which two operations build their path the same way: each
/// literal, and each parameter's wire name, argument name, type and checks.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Step<'a> {
    Literal(&'a str),
    Param {
        name: &'a str,
        ident: &'a str,
        ty: &'a ParamType,
        min_length: Option<usize>,
        max_length: Option<usize>,
    },
}

fn steps(op: &Operation) -> Vec<Step<'_>> {
    op.path
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => Step::Literal(text),
            PathPart::Param(index) => {
                let param = &op.params[*index];
                Step::Param {
                    name: &param.name,
                    ident: &param.ident,
                    ty: &param.ty,
                    min_length: param.min_length,
                    max_length: param.max_length,
                }
            }
        })
        .collect()
}

/// The path builders of a resource's `operations`, one per path built the same way by more
/// than one of them, and sets each operation's [`Operation::shared_path`].
pub fn builders(operations: &mut [Operation]) -> Vec<SharedPath> {
    // Groups in the order their first operation comes.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<Vec<Step<'_>>, usize> = HashMap::new();
    for (i, op) in operations.iter().enumerate() {
        let group = *index.entry(steps(op)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(i);
    }
    let mut names = Scope::default();
    let mut builders = Vec::new();
    let mut chosen = vec![None; operations.len()];
    for ops in groups.iter().filter(|ops| ops.len() > 1) {
        let op = &operations[ops[0]];
        // `/accounts/{account_id}/stream/{identifier}/downloads` is `downloads_path`; a
        // trailing parameter is part of the name: `downloads_download_type_path`.
        let segment = op
            .path_template
            .rsplit('/')
            .find(|s| !s.is_empty() && !s.contains('{'))
            .unwrap_or_default();
        let trailing = match op.path.last() {
            Some(PathPart::Param(index)) => op.params[*index].name.as_str(),
            _ => "",
        };
        let name = names.claim(names::snake(&format!("{segment}_{trailing}_path")));
        for &i in ops {
            chosen[i] = Some(builders.len());
        }
        builders.push(SharedPath {
            name,
            doc: docs::shared_path_doc(&op.path_template),
            operation: ops[0],
        });
    }
    for (op, builder) in operations.iter_mut().zip(chosen) {
        op.shared_path = builder;
    }
    builders
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn templates_split_into_literals_and_parameters() {
        let at = Location::root(Path::new("a.yaml"));
        let segments = split("/a/{b}/c{d}", &at).expect("splits");
        assert_eq!(
            segments,
            [
                Segment::Literal("/a/"),
                Segment::Param("b"),
                Segment::Literal("/c"),
                Segment::Param("d")
            ]
        );
        let error = split("/a/{b", &at).expect_err("unclosed");
        assert!(error.to_string().contains("unclosed `{`"), "{error}");
    }

    #[test]
    fn routes_ignore_parameter_names() {
        assert_eq!(route("/a/{id}/b/{video_id}"), "/a/{}/b/{}");
        assert_eq!(
            route("/a/{identifier}/b/{x}"),
            route("/a/{id}/b/{video_id}")
        );
        assert_eq!(route("/a"), "/a");
    }

    #[test]
    fn trailing_parameters() {
        assert_eq!(trailing_param("/a/{b}/c/{d}").as_deref(), Some("d"));
        assert_eq!(trailing_param("/a/{b}/c"), None);
        assert_eq!(trailing_param("/a/{b}/"), Some("b".to_owned()));
    }
}
