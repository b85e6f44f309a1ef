"""Pure domain: entities, rules, Vietnamese text. No Qt, no database."""
