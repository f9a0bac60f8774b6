//! A consumer calling every operation of the Stream API, each with the result type it names, so
//! that the whole generated surface is compiled as a user writes against it.
#![deny(warnings)]

use cloudflare_stream::{
    AudioTrack, AudioTracks, Caption, CaptionBasicUpload, Client, CopyAudioTrack,
    CreateInputRequest, CreateOutputRequest, DirectUploadRequest, DirectUploadUrl,
    EditAudioTrack, Error, FilePart, LiveInput, LiveInputList, Output, SignedToken,
    SignedTokenRequest, SigningKey, SigningKeySummary, StorageUsage, TusResumable,
    UpdateInputRequest, UpdateOutputRequest, Video, VideoClipStandard, VideoCopyRequest,
    VideoUpdate, Watermark, WatermarkBasicUpload, WebhookRequest, WebhookSettings,
};

async fn every_stream_operation(client: &Client) -> Result<(), Error> {
    let account = "023e105f4ecef8ad9ca31a8372d0c353";
    let video = "ea95132c15732412d22c1476fa83f27a";
    let stream = client.stream();

    // Videos.
    let listed: Vec<Video> = stream.list(account).include_counts(true).await?;
    // A request with optional parameters does all the runtime's request does.
    let _sent: Vec<Video> = stream
        .list(account)
        .limit(10)
        .query_all("tag", ["a", "b"])
        .send()
        .await?;
    let found: Video = stream.get(account, video).await?;
    let edited: Video = stream.edit(account, video, &VideoUpdate::default()).await?;
    let uploading = stream
        .create(account, TusResumable::V1, 1024)
        .upload_creator("creator-1")
        .send_with_response()
        .await?;
    let _location = uploading.headers.get("location");
    let _deleted: serde_json::Value = stream.delete(account, video).await?;
    let clip: Video = stream
        .clip()
        .create(account, &VideoClipStandard::new(video.into(), 10, 0))
        .await?;
    let copy: Video = stream.copy().create(account, &VideoCopyRequest::default()).await?;
    let direct: DirectUploadUrl = stream
        .direct_upload()
        .create(account, &DirectUploadRequest::new(3600))
        .await?;
    let usage: StorageUsage = stream.storage_usage().get(account).await?;
    let embed: String = stream.embed().get(account, video).await?;
    let token: SignedToken = stream
        .token()
        .create(account, video, &SignedTokenRequest::default())
        .await?;

    // Captions and audio tracks.
    let captions = stream.captions();
    let all: Vec<Caption> = captions.list(account, video).await?;
    let vtt = FilePart::new("WEBVTT\n").file_name("nl.vtt");
    let uploaded: Caption = captions
        .upload(account, video, "nl", &CaptionBasicUpload::new(vtt))
        .await?;
    let one: Caption = captions.get(account, video, "nl").await?;
    let generated: Caption = captions.generate().create(account, video, "it").await?;
    let text: String = captions.vtt().get(account, video, "nl").await?;
    let removed: String = captions.delete(account, video, "nl").await?;
    let audio = stream.audio();
    let tracks: AudioTracks = audio.list(account, video).await?;
    let copied: AudioTrack = audio
        .copy()
        .create(account, video, &CopyAudioTrack::new("commentary".into()))
        .await?;
    let track = copied.uid.clone().unwrap_or_default();
    let edit: AudioTrack = audio
        .edit(account, video, &track, &EditAudioTrack::default())
        .await?;
    let gone: String = audio.delete(account, video, &track).await?;

    // Signing keys, live inputs and their outputs, watermarks, the webhook.
    let keys = stream.keys();
    let key: SigningKey = keys.create(account).await?;
    let summaries: Vec<SigningKeySummary> = keys.list(account).await?;
    let unkeyed: String = keys.delete(account, "k").await?;
    let inputs = stream.live_inputs();
    let input: LiveInput = inputs.create(account, &CreateInputRequest::default()).await?;
    let inputs_listed: LiveInputList = inputs.list(account).await?;
    let again: LiveInput = inputs.get(account, "i").await?;
    let updated: LiveInput = inputs
        .update(account, "i", &UpdateInputRequest::default())
        .await?;
    let outputs = inputs.outputs();
    let output: Output = outputs
        .create(account, "i", &CreateOutputRequest::new("key".into(), "rtmps://x".into()))
        .await?;
    let outputs_listed: Vec<Output> = outputs.list(account, "i").await?;
    let switched: Output = outputs
        .update(account, "i", "o", &UpdateOutputRequest::new(false))
        .await?;
    let _output_gone: serde_json::Value = outputs.delete(account, "i", "o").await?;
    let _input_gone: serde_json::Value = inputs.delete(account, "i").await?;
    let watermarks = stream.watermarks();
    let image = FilePart::new(vec![0x89, b'P', b'N', b'G']).file_name("logo.png");
    let made: Watermark = watermarks
        .create(account, &WatermarkBasicUpload::new(image))
        .await?;
    let profiles: Vec<Watermark> = watermarks.list(account).await?;
    let profile: Watermark = watermarks.get(account, "w").await?;
    let unmarked: String = watermarks.delete(account, "w").await?;
    let webhook = stream.webhook();
    let set: WebhookSettings = webhook
        .update(account, &WebhookRequest::new("https://example.com/hook".into()))
        .await?;
    let current: WebhookSettings = webhook.get(account).await?;
    let _secret: Option<String> = current.secret;
    let unset: String = webhook.delete(account).await?;

    let _ = (listed, found, edited, clip, copy, direct, usage, embed, token);
    let _ = (all, uploaded, one, generated, text, removed, tracks, edit, gone);
    let _ = (key, summaries, unkeyed, input, inputs_listed, again, updated, output);
    let _ = (outputs_listed, switched, made, profiles, profile, unmarked, set, unset);
    Ok(())
}

fn main() {
    // Only compiled, never run: holding the future proves it is `Send`.
    fn assert_send<T: Send>(_: T) {}
    if let Ok(client) = Client::builder().api_token("token").build() {
        assert_send(every_stream_operation(&client));
    }
}
