import GlaneurCLI
import Glibc

exit(Glaneur.main(CommandLine.arguments))
