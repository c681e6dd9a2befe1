"""Download analytics after the IAB Tech Lab Podcast Measurement Technical Guidelines v2.2/2.3: the rules (rules,
agents), the request log and counting (store), and what staff read (report). See docs/ANALYTICS.md."""
