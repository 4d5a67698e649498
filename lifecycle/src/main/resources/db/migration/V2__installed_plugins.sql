-- The plugins (job types and infrastructure plugins) the platform ran with last, so a start with
-- a different set records plugin_installed / plugin_uninstalled audit events.
CREATE TABLE registry_installed_plugin (
    name         VARCHAR(256) NOT NULL,
    version      VARCHAR(256) NOT NULL,
    category     VARCHAR(64)  NOT NULL,
    installed_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version, category)
);
