"""Gettext catalogs (vi, en). Compiled .mo files are build output."""
