//! Path templates (`/accounts/{account_id}/stream/{identifier}`) and finding the one a request
//! path matches: literal segments win over parameters, left to right, as routers do, so
//! `/stream/keys` is the signing keys and never a video called `keys`.

use std::collections::HashMap;

use axum::http::Method;
use percent_encoding::percent_decode_str;

/// One `/`-separated piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    /// `{name}`, possibly with text around it in the same segment (`{name}.json`).
    Param {
        name: String,
        prefix: String,
        suffix: String,
    },
}

/// A path template of the spec, relative to `/client/v4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub(crate) path: String,
    pub(crate) segments: Vec<Segment>,
}

impl Template {
    pub(crate) fn parse(path: &str) -> Self {
        let segments = path
            .trim_start_matches('/')
            .split('/')
            .map(|segment| {
                let open = segment.find('{');
                let close = segment.rfind('}');
                match (open, close) {
                    (Some(open), Some(close)) if open < close => Segment::Param {
                        name: segment[open + 1..close].to_owned(),
                        prefix: segment[..open].to_owned(),
                        suffix: segment[close + 1..].to_owned(),
                    },
                    _ => Segment::Literal(segment.to_owned()),
                }
            })
            .collect();
        Self {
            path: path.to_owned(),
            segments,
        }
    }

    /// The template with parameter names erased (`/accounts/{}/stream`): two templates of
    /// the same shape are the same route.
    pub(crate) fn shape(&self) -> String {
        self.shape_of(self.segments.len())
    }

    fn shape_of(&self, count: usize) -> String {
        self.segments[..count]
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => format!("/{text}"),
                Segment::Param { prefix, suffix, .. } => format!("/{prefix}{{}}{suffix}"),
            })
            .collect()
    }

    /// Whether `other` is this template or lies below it (`/keys/{id}` below `/keys`).
    pub(crate) fn contains(&self, other: &Self) -> bool {
        other.segments.len() >= self.segments.len()
            && other.shape_of(self.segments.len()) == self.shape()
    }

    /// The parameter names, in path order.
    pub(crate) fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Param { name, .. } => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// The parameter values (decoded, in path order) if `segments` match, with how specific
    /// the match is: per segment, 2 for a literal, 1 for a parameter with text around it, 0
    /// for a bare parameter.
    fn matches(&self, segments: &[&str]) -> Option<(Vec<u8>, Vec<String>)> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut score = Vec::with_capacity(segments.len());
        let mut values = Vec::new();
        for (raw, segment) in segments.iter().zip(&self.segments) {
            let decoded = percent_decode_str(raw).decode_utf8_lossy();
            match segment {
                Segment::Literal(text) if *text == decoded => score.push(2),
                Segment::Literal(_) => return None,
                Segment::Param { prefix, suffix, .. } => {
                    let value = decoded
                        .strip_prefix(prefix.as_str())
                        .and_then(|rest| rest.strip_suffix(suffix.as_str()))
                        .filter(|value| !value.is_empty())?;
                    values.push(value.to_owned());
                    score.push(u8::from(!prefix.is_empty() || !suffix.is_empty()));
                }
            }
        }
        Some((score, values))
    }
}

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Routed {
    /// Operation `op`, with the values of its template's parameters in path order.
    Found { op: usize, values: Vec<String> },
    /// The path is known, not with this method; these methods are.
    NoMethod { allow: Vec<Method> },
    /// No template matches the path.
    NoPath,
}

/// Every template of a spec with its operations by method.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    entries: Vec<(Template, Vec<(Method, usize)>)>,
    /// The entry of each template shape.
    by_shape: HashMap<String, usize>,
}

impl Routes {
    /// Adds operation `op`; `false` if the template's shape has it already.
    pub(crate) fn add(&mut self, template: &Template, method: Method, op: usize) -> bool {
        match self.by_shape.get(&template.shape()) {
            Some(&entry) => {
                let methods = &mut self.entries[entry].1;
                if methods.iter().any(|(m, _)| *m == method) {
                    return false;
                }
                methods.push((method, op));
            }
            None => {
                self.by_shape.insert(template.shape(), self.entries.len());
                self.entries.push((template.clone(), vec![(method, op)]));
            }
        }
        true
    }

    /// The operation for `method` on `path` (relative to `/client/v4`, still encoded).
    pub(crate) fn route(&self, method: &Method, path: &str) -> Routed {
        let Some(rest) = path.strip_prefix('/') else {
            return Routed::NoPath;
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let best = self
            .entries
            .iter()
            .filter_map(|(template, methods)| {
                template
                    .matches(&segments)
                    .map(|(score, values)| (score, values, methods))
            })
            // The first of equally specific templates wins.
            .reduce(|best, next| if next.0 > best.0 { next } else { best });
        let Some((_, values, methods)) = best else {
            return Routed::NoPath;
        };
        let find = |wanted: &Method| methods.iter().find(|(m, _)| m == wanted);
        // HEAD is GET without the body, where the spec does not say otherwise.
        let found = find(method).or_else(|| {
            (*method == Method::HEAD)
                .then(|| find(&Method::GET))
                .flatten()
        });
        match found {
            Some((_, op)) => Routed::Found { op: *op, values },
            None => {
                let mut allow: Vec<Method> = methods.iter().map(|(m, _)| m.clone()).collect();
                allow.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                Routed::NoMethod { allow }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(templates: &[(&str, Method)]) -> Routes {
        let mut routes = Routes::default();
        for (op, (path, method)) in templates.iter().enumerate() {
            assert!(routes.add(&Template::parse(path), method.clone(), op));
        }
        routes
    }

    #[test]
    fn literals_win_and_methods_are_per_template() {
        let routes = routes(&[
            ("/accounts/{account_id}/stream/{identifier}", Method::GET),
            ("/accounts/{account_id}/stream/{identifier}", Method::DELETE),
            ("/accounts/{account_id}/stream/keys", Method::GET),
            ("/accounts/{account_id}/stream/clip", Method::POST),
            ("/files/{name}.json", Method::GET),
        ]);
        let found = |op, values: &[&str]| Routed::Found {
            op,
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        assert_eq!(
            routes.route(&Method::GET, "/accounts/a/stream/v"),
            found(0, &["a", "v"])
        );
        assert_eq!(
            routes.route(&Method::GET, "/accounts/a/stream/keys"),
            found(2, &["a"])
        );
        assert_eq!(
            routes.route(&Method::GET, "/accounts/a/stream/clip"),
            Routed::NoMethod {
                allow: vec![Method::POST]
            }
        );
        assert_eq!(
            routes.route(&Method::PUT, "/accounts/a/stream/v"),
            Routed::NoMethod {
                allow: vec![Method::DELETE, Method::GET]
            }
        );
        assert_eq!(
            routes.route(&Method::HEAD, "/accounts/a/stream/v"),
            found(0, &["a", "v"])
        );
        // Segments are decoded one by one: an encoded `/` stays in its parameter.
        assert_eq!(
            routes.route(&Method::GET, "/accounts/a%2Fb/stream/%C3%A9"),
            found(0, &["a/b", "é"])
        );
        assert_eq!(
            routes.route(&Method::GET, "/files/x.json"),
            found(4, &["x"])
        );
        assert_eq!(routes.route(&Method::GET, "/files/.json"), Routed::NoPath);
        assert_eq!(
            routes.route(&Method::GET, "/accounts//stream/v"),
            Routed::NoPath
        );
        assert_eq!(
            routes.route(&Method::GET, "/accounts/a/stream/v/"),
            Routed::NoPath
        );
        assert_eq!(routes.route(&Method::GET, "accounts"), Routed::NoPath);
    }

    #[test]
    fn shapes_ignore_parameter_names() {
        let mut routes = routes(&[("/keys/{id}", Method::GET)]);
        assert!(!routes.add(&Template::parse("/keys/{identifier}"), Method::GET, 9));
        assert!(routes.add(&Template::parse("/keys/{identifier}"), Method::PUT, 9));
        let keys = Template::parse("/a/{x}/keys");
        assert!(keys.contains(&Template::parse("/a/{y}/keys/{id}")));
        assert!(keys.contains(&keys));
        assert!(!keys.contains(&Template::parse("/a/{y}/other/{id}")));
        assert!(!keys.contains(&Template::parse("/a/{y}")));
        assert_eq!(keys.params().collect::<Vec<_>>(), ["x"]);
    }
}
