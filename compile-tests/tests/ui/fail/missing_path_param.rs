// Every path parameter is a required positional argument.
fn main() {
    let client = cloudflare_stream::Client::builder().api_token("t").build().unwrap();
    let _ = client.stream().downloads().get("account");
}
