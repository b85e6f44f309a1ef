"""Resources shipped with the application: reference data, criteria templates, fonts, icons."""
