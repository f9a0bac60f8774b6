// A list returns the typed downloads, not untyped JSON or a string.
async fn list(client: &cloudflare_stream::Client) {
    let _: String = client.stream().downloads().get("account", "video").await.unwrap();
}

fn main() {}
