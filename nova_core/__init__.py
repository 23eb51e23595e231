"""nova-core: a compact compute controller in the mould of OpenStack Nova."""
import warnings

# oslo.messaging imports oslo.service, which imports eventlet and warns that
# eventlet is deprecated; nova-core never uses eventlet (threading executor).
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
