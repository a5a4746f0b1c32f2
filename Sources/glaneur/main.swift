import GlaneurCLI
