"""The API's endpoints, one module per resource; each a thin caller of a service or
selector of the apps below."""
