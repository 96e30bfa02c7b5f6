"""What questions and topics name: entity finding, aliases, follow-up rewriting."""
