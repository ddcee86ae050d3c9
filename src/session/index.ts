// keyprint/session — the session protocol: committed key agreement, SAS, end-to-end encrypted chat.
