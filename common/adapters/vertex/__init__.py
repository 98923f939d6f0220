"""Vertex AI providers through google-genai: Gemini scripts and images, Veo clips.

Nothing here is imported until bootstrap builds one of these providers (the SDK costs about half
a second of cold start).
"""
