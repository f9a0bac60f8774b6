// The download type is an enum, not a string: a typo cannot reach the server.
fn main() {
    let client = cloudflare_stream::Client::builder().api_token("t").build().unwrap();
    let _ = client.stream().downloads().create_type("account", "video", "audio");
}
