// Placeholder: the factory generator is being written.
