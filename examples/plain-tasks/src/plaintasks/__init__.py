"""Small text tasks."""
